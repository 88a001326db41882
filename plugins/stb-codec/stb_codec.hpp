// image_codec/stb: decoding with stb_image (and libwebp for webp), encoding with stb_image_write,
// resizing with stb_image_resize; no OpenCV. Headers are read and checked first by
// vlforge_image_header, as in image_codec/opencv, so both codecs accept and refuse the same inputs.
#pragma once

#include <cstdint>

#include "vlforge/interfaces/image_codec.hpp"

namespace vlforge::stb_codec {

struct StbCodecConfig {
  int64_t quality = 95;
  int64_t max_pixels = 178956970;
};

class StbCodec final : public ImageCodec {
 public:
  explicit StbCodec(const StbCodecConfig& cfg);

  ImageInfo probe(std::span<const uint8_t> bytes) const override;
  at::Tensor decode(std::span<const uint8_t> bytes) const override;
  std::vector<uint8_t> encode(const at::Tensor& rgb, std::string_view format) const override;
  at::Tensor resize(const at::Tensor& rgb, int64_t height, int64_t width, ResizeMode mode) const override;

 private:
  StbCodecConfig cfg_;
};

}  // namespace vlforge::stb_codec
