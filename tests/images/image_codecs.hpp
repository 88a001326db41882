// The codecs under test, each made once per process from its recipe table, and the test images
// of tests/data/images with what PIL reads from them (reference.json, written by make_images.py).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "file_bytes.hpp"
#include "vlforge/interfaces/image_codec.hpp"

namespace vlforge::test {

// The codec names every parameterised suite runs over.
inline const std::vector<std::string> kCodecs = {"opencv", "stb"};

// image_codec/NAME with its defaults.
ImageCodec& image_codec(const std::string& name);


struct PilReading {
  std::string file;
  int64_t width = 0;
  int64_t height = 0;
  std::array<double, 3> mean_rgb{};
};

std::vector<PilReading> pil_readings();
// gtest prints a case by its file name.
void PrintTo(const PilReading& reading, std::ostream* out);

// A smooth [H, W, 3] uint8 image (a gradient and soft colour waves), the same for a seed.
at::Tensor smooth_image(int64_t height, int64_t width, int seed);

// Mean |a - b| over all values of two uint8 images of one shape.
double mean_abs_difference(const at::Tensor& a, const at::Tensor& b);

}  // namespace vlforge::test
