// image_codec/opencv: decoding with OpenCV's imgcodecs (libjpeg-turbo, libpng, libwebp), resizing
// with its imgproc. Headers are read and checked first by vlforge_image_header, as in
// image_codec/stb, so both codecs accept and refuse the same inputs.
#pragma once

#include <cstdint>

#include "vlforge/interfaces/image_codec.hpp"

namespace vlforge::opencv_codec {

struct OpenCvCodecConfig {
  int64_t quality = 95;
  int64_t max_pixels = 178956970;
};

class OpenCvCodec final : public ImageCodec {
 public:
  explicit OpenCvCodec(const OpenCvCodecConfig& cfg);

  ImageInfo probe(std::span<const uint8_t> bytes) const override;
  at::Tensor decode(std::span<const uint8_t> bytes) const override;
  std::vector<uint8_t> encode(const at::Tensor& rgb, std::string_view format) const override;
  at::Tensor resize(const at::Tensor& rgb, int64_t height, int64_t width, ResizeMode mode) const override;

 private:
  OpenCvCodecConfig cfg_;
};

}  // namespace vlforge::opencv_codec
