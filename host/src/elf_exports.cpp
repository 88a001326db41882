#include "elf_exports.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "vlforge/error.hpp"

namespace vlforge::host {

namespace {

template <class T>
T read_at(const std::vector<char>& bytes, uint64_t offset, const std::filesystem::path& file) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T))
    throw Error(file.string(), "truncated ELF file (read of " + std::to_string(sizeof(T)) + " bytes at offset " +
                                   std::to_string(offset) + ", size " + std::to_string(bytes.size()) + ")");
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

}  // namespace

std::vector<std::string> elf_exported_symbols(const std::filesystem::path& library) {
  std::ifstream in(library, std::ios::binary);
  if (!in) throw Error(library.string(), "cannot open file");
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  const auto header = read_at<Elf64_Ehdr>(bytes, 0, library);
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) throw Error(library.string(), "not an ELF file");
  if (header.e_ident[EI_CLASS] != ELFCLASS64) throw Error(library.string(), "not a 64-bit ELF file");
  if (header.e_type != ET_DYN) throw Error(library.string(), "not a shared library (ELF type is not ET_DYN)");
  if (header.e_shentsize != sizeof(Elf64_Shdr)) throw Error(library.string(), "unexpected ELF section header size");

  std::vector<Elf64_Shdr> sections;
  for (uint16_t i = 0; i < header.e_shnum; ++i)
    sections.push_back(read_at<Elf64_Shdr>(bytes, header.e_shoff + uint64_t{i} * sizeof(Elf64_Shdr), library));

  std::vector<std::string> names;
  for (const auto& s : sections) {
    if (s.sh_type != SHT_DYNSYM) continue;
    if (s.sh_link >= sections.size()) throw Error(library.string(), "dynamic symbol table links to a missing string table");
    const auto& strtab = sections[s.sh_link];
    const uint64_t count = s.sh_entsize ? s.sh_size / s.sh_entsize : 0;
    for (uint64_t i = 0; i < count; ++i) {
      const auto sym = read_at<Elf64_Sym>(bytes, s.sh_offset + i * sizeof(Elf64_Sym), library);
      const unsigned bind = ELF64_ST_BIND(sym.st_info);
      if (sym.st_shndx == SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK)) continue;
      if (ELF64_ST_VISIBILITY(sym.st_other) != STV_DEFAULT) continue;
      if (sym.st_name >= strtab.sh_size) throw Error(library.string(), "symbol name outside the string table");
      const uint64_t start = strtab.sh_offset + sym.st_name;
      if (start >= bytes.size()) throw Error(library.string(), "truncated ELF string table");
      const char* name = bytes.data() + start;
      names.emplace_back(name, strnlen(name, bytes.size() - start));
    }
  }
  return names;
}

}  // namespace vlforge::host
