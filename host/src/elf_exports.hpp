// The names a shared library exports, read from its ELF dynamic symbol table without loading it.
//
// Boost.DLL's library_info reads the static symbol table (.symtab), which `strip` removes from
// installed libraries; the dynamic table (.dynsym) is what the dynamic linker resolves against,
// so that is the one to check before any plugin code runs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vlforge::host {

// Defined, globally visible symbols. Throws vlforge::Error if the file is not a 64-bit ELF
// shared object or is truncated.
std::vector<std::string> elf_exported_symbols(const std::filesystem::path& library);

}  // namespace vlforge::host
