// CRC-32 (IEEE 802.3, the zlib polynomial) over a byte range: packed shards checksum their header,
// index and every record with it, because it catches every single flipped byte and every burst of
// up to 32 bits, which a general-purpose hash does not promise.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vlforge {

// `seed` continues a checksum across several ranges: crc32(b, crc32(a)) == crc32(a + b).
uint32_t crc32(const unsigned char* data, size_t size, uint32_t seed = 0);

}  // namespace vlforge
