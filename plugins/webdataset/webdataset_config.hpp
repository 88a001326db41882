// The typed config of dataset/webdataset; its schema is in webdataset_plugin.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vlforge/component.hpp"

namespace vlforge::webdataset {

struct WebDatasetConfig {
  std::string shards;
  std::string caption = "txt";
  std::vector<std::string> image_extensions = {"jpg", "jpeg", "png", "webp", "ppm", "bmp"};
  bool require_image = true;
  std::string check_images = "header";
  ComponentSpec codec{"image_codec", "opencv", Value(Value::Table{}), {}};
  int64_t min_image_side = 10;
  int64_t max_image_pixels = 89'478'485;  // PIL's Image.MAX_IMAGE_PIXELS, its decompression-bomb limit
};

}  // namespace vlforge::webdataset
