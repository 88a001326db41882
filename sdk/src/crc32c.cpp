#include "crc32c.hpp"

#include <array>

namespace vlforge {

namespace {

constexpr std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? 0x82F63B78U ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = make_table();

}  // namespace

uint32_t crc32c(const unsigned char* data, size_t size, uint32_t seed) {
  uint32_t c = ~seed;
  for (size_t i = 0; i < size; ++i) c = kTable[(c ^ data[i]) & 0xFFU] ^ (c >> 8);
  return ~c;
}

}  // namespace vlforge
