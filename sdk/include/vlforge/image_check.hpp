// Whether an encoded image is usable, decided the same way by every reader and stage: empty,
// corrupt, too small or too large images are reported with a fixed reason phrase (for counting)
// and a detail (for the report), never thrown, because dirty web data is expected, not fatal.
//
//   if (auto problem = check_image(codec, bytes, limits)) skip(problem->reason, problem->detail);
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "vlforge/export.hpp"
#include "vlforge/interfaces/image_codec.hpp"

namespace vlforge {

struct ImageLimits {
  int64_t min_side = 10;           // smaller images carry no content a model can learn from
  int64_t max_pixels = 89478485;   // PIL's decompression-bomb limit
  bool decode = false;             // false: read the header only; true: decode, to catch corrupt bodies
};

struct ImageProblem {
  std::string reason;  // "empty image", "corrupt image", "image too small", "image too large"
  std::string detail;  // e.g. "1x1 pixels (min side 10)"
};

// nullopt when the image passes; never throws for bad image data.
VLFORGE_API std::optional<ImageProblem> check_image(const ImageCodec& codec, std::span<const uint8_t> bytes,
                                                    const ImageLimits& limits);

}  // namespace vlforge
