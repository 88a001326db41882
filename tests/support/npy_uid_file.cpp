#include "npy_uid_file.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <utility>

namespace vlforge::test {

void write_npy_uids(const std::filesystem::path& path, const std::vector<std::string>& uids, const std::string& descr,
                    const std::string& shape, bool sort) {
  std::vector<std::pair<uint64_t, uint64_t>> pairs;
  for (const auto& u : uids) pairs.emplace_back(std::stoull(u.substr(0, 16), nullptr, 16), std::stoull(u.substr(16, 16), nullptr, 16));
  if (sort) std::sort(pairs.begin(), pairs.end());
  // Magic, version 1.0, little-endian header length, then a dict padded with spaces so the data
  // starts on a 64-byte boundary, ending in a newline.
  std::string header = "{'descr': " + descr + ", 'fortran_order': False, 'shape': " +
                       (shape.empty() ? "(" + std::to_string(uids.size()) + ",)" : shape) + ", }";
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<uint16_t>(header.size());
  out.put(static_cast<char>(len & 0xff));
  out.put(static_cast<char>(len >> 8));
  out << header;
  for (const auto& [a, b] : pairs) {
    out.write(reinterpret_cast<const char*>(&a), 8);
    out.write(reinterpret_cast<const char*>(&b), 8);
  }
}

}  // namespace vlforge::test
