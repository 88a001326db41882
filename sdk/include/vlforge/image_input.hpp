// vlforge::ImageInput: an encoded image (JPEG, PNG, ...) given to a model, either in memory or as
// a file read only when the model needs it, so that a benchmark of 200k questions over 40k
// images never holds every image at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "vlforge/export.hpp"

namespace vlforge {

struct ImageInput {
  std::filesystem::path file;                         // read when needed; or
  std::shared_ptr<const std::vector<uint8_t>> bytes;  // already in memory (e.g. decoded base64)

  static ImageInput from_file(std::filesystem::path path) { return {std::move(path), nullptr}; }
  static ImageInput from_bytes(std::vector<uint8_t> data) {
    return {{}, std::make_shared<const std::vector<uint8_t>>(std::move(data))};
  }
};

// The encoded bytes; throws vlforge::Error naming the file when it cannot be read.
VLFORGE_API std::vector<uint8_t> image_input_bytes(const ImageInput& image);

}  // namespace vlforge
