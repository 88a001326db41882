// vlforge::Sample: one image-caption (or image-conversation) record as datasets stream it.
// The image stays encoded (JPEG/PNG/WebP/PPM bytes) until a stage decodes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vlforge {

struct Sample {
  std::string key;                 // key within its shard (WebDataset __key__)
  std::string uid;                 // globally unique id (DataComp uid: 32 hex digits)
  std::string text;                // caption, or conversation JSON for SFT data
  std::vector<uint8_t> image;      // encoded image bytes; empty for text-only samples
  std::string image_format;        // "jpg", "png", "webp", "ppm", ...
  std::string json;                // the sample's metadata object as JSON text
};

}  // namespace vlforge
