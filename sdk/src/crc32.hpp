// Table-driven CRC-32s over a byte range; they catch every single flipped byte and every burst of
// up to 32 bits, which a general-purpose hash does not promise.
//   crc32:  IEEE 802.3, the zlib polynomial: packed shards checksum header, index and records.
//   crc32c: Castagnoli: the checksum of TFRecord framing, which TensorBoard event files use.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vlforge {

// `seed` continues a checksum across several ranges: crc32(b, crc32(a)) == crc32(a + b).
uint32_t crc32(const unsigned char* data, size_t size, uint32_t seed = 0);
uint32_t crc32c(const unsigned char* data, size_t size, uint32_t seed = 0);

}  // namespace vlforge
