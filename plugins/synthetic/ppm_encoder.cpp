#include "ppm_encoder.hpp"

#include <string>

#include "vlforge/error.hpp"

namespace vlforge::synthetic {

std::vector<uint8_t> encode_ppm(std::span<const uint8_t> rgb, int width, int height) {
  const size_t expected = static_cast<size_t>(width) * static_cast<size_t>(height) * 3;
  if (width <= 0 || height <= 0 || rgb.size() != expected)
    throw Error("encode_ppm", "pixel buffer of " + std::to_string(rgb.size()) + " bytes does not match " +
                                  std::to_string(width) + "x" + std::to_string(height) + " RGB (expected " +
                                  std::to_string(expected) + ")");
  const std::string header = "P6\n" + std::to_string(width) + " " + std::to_string(height) + "\n255\n";
  std::vector<uint8_t> out;
  out.reserve(header.size() + rgb.size());
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), rgb.begin(), rgb.end());
  return out;
}

}  // namespace vlforge::synthetic
