#include "shard_bytes.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace vlforge::test {

size_t tar_header_offset(const std::vector<uint8_t>& tar, const std::string& name) {
  for (size_t at = 0; at + 512 <= tar.size(); at += 512) {
    const char* field = reinterpret_cast<const char*>(tar.data() + at);
    if (std::strncmp(field, name.c_str(), 100) == 0 && name.size() < 100) return at;
  }
  throw std::runtime_error("no tar header named " + name);
}

void write_cut(const std::filesystem::path& tar, size_t size, const std::filesystem::path& out) {
  auto bytes = read_bytes(tar);
  if (size > bytes.size()) throw std::runtime_error("cut beyond the end of " + tar.string());
  bytes.resize(size);
  write_bytes(out, bytes);
}

}  // namespace vlforge::test
