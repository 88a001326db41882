// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) over a byte range: the checksum of TFRecord
// framing, which TensorBoard event files use. Not the zlib CRC-32 of crc32.hpp: another polynomial.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vlforge {

// `seed` continues a checksum across several ranges: crc32c(b, crc32c(a)) == crc32c(a + b).
uint32_t crc32c(const unsigned char* data, size_t size, uint32_t seed = 0);

}  // namespace vlforge
