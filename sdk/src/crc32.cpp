#include "crc32.hpp"

#include <array>

namespace vlforge {

namespace {

// The byte table of a reflected CRC-32 with polynomial `poly` (bit-reversed form).
template <uint32_t poly>
constexpr std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? poly ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

template <uint32_t poly>
uint32_t reflected_crc32(const unsigned char* data, size_t size, uint32_t seed) {
  static constexpr std::array<uint32_t, 256> kTable = make_table<poly>();
  uint32_t c = ~seed;
  for (size_t i = 0; i < size; ++i) c = kTable[(c ^ data[i]) & 0xFFU] ^ (c >> 8);
  return ~c;
}

}  // namespace

uint32_t crc32(const unsigned char* data, size_t size, uint32_t seed) {
  return reflected_crc32<0xEDB88320U>(data, size, seed);
}

uint32_t crc32c(const unsigned char* data, size_t size, uint32_t seed) {
  return reflected_crc32<0x82F63B78U>(data, size, seed);
}

}  // namespace vlforge
