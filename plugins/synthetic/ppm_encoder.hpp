// Binary PPM (P6) encoding: the simplest lossless RGB format every image library reads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace vlforge::synthetic {

// `rgb` holds width * height * 3 bytes, row-major.
std::vector<uint8_t> encode_ppm(std::span<const uint8_t> rgb, int width, int height);

}  // namespace vlforge::synthetic
