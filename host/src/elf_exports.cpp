#include "elf_exports.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>

#include "vlforge/error.hpp"

namespace vlforge::host {

namespace {

// Reads only the parts it needs (headers, .dynsym, .dynstr): plugins with debug info are large.
class ElfFile {
 public:
  explicit ElfFile(const std::filesystem::path& file) : file_(file), in_(file, std::ios::binary) {
    if (!in_) throw Error(file.string(), "cannot open file");
    in_.seekg(0, std::ios::end);
    size_ = static_cast<uint64_t>(in_.tellg());
  }

  template <class T>
  T read(uint64_t offset) {
    T value;
    read_bytes(offset, sizeof(T), reinterpret_cast<char*>(&value));
    return value;
  }

  std::vector<char> read_block(uint64_t offset, uint64_t size) {
    std::vector<char> bytes(size);
    read_bytes(offset, size, bytes.data());
    return bytes;
  }

 private:
  void read_bytes(uint64_t offset, uint64_t n, char* out) {
    if (offset > size_ || size_ - offset < n)
      throw Error(file_.string(), "truncated ELF file (read of " + std::to_string(n) + " bytes at offset " +
                                      std::to_string(offset) + ", size " + std::to_string(size_) + ")");
    in_.seekg(static_cast<std::streamoff>(offset));
    in_.read(out, static_cast<std::streamsize>(n));
    if (!in_) throw Error(file_.string(), "read failed at offset " + std::to_string(offset));
  }

  std::filesystem::path file_;
  std::ifstream in_;
  uint64_t size_ = 0;
};

}  // namespace

std::vector<std::string> elf_exported_symbols(const std::filesystem::path& library) {
  ElfFile elf(library);
  const auto header = elf.read<Elf64_Ehdr>(0);
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) throw Error(library.string(), "not an ELF file");
  if (header.e_ident[EI_CLASS] != ELFCLASS64) throw Error(library.string(), "not a 64-bit ELF file");
  if (header.e_type != ET_DYN) throw Error(library.string(), "not a shared library (ELF type is not ET_DYN)");
  if (header.e_shentsize != sizeof(Elf64_Shdr)) throw Error(library.string(), "unexpected ELF section header size");

  std::vector<Elf64_Shdr> sections;
  for (uint16_t i = 0; i < header.e_shnum; ++i)
    sections.push_back(elf.read<Elf64_Shdr>(header.e_shoff + uint64_t{i} * sizeof(Elf64_Shdr)));

  std::vector<std::string> names;
  for (const auto& s : sections) {
    if (s.sh_type != SHT_DYNSYM) continue;
    if (s.sh_link >= sections.size()) throw Error(library.string(), "dynamic symbol table links to a missing string table");
    const std::vector<char> strtab = elf.read_block(sections[s.sh_link].sh_offset, sections[s.sh_link].sh_size);
    const uint64_t count = s.sh_entsize ? s.sh_size / s.sh_entsize : 0;
    for (uint64_t i = 0; i < count; ++i) {
      const auto sym = elf.read<Elf64_Sym>(s.sh_offset + i * sizeof(Elf64_Sym));
      const unsigned bind = ELF64_ST_BIND(sym.st_info);
      if (sym.st_shndx == SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK)) continue;
      if (ELF64_ST_VISIBILITY(sym.st_other) != STV_DEFAULT) continue;
      if (sym.st_name >= strtab.size()) throw Error(library.string(), "symbol name outside the string table");
      const char* name = strtab.data() + sym.st_name;
      names.emplace_back(name, strnlen(name, strtab.size() - sym.st_name));
    }
  }
  return names;
}

}  // namespace vlforge::host
