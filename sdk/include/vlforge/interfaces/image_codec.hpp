// Interface of kind `image_codec`: encoded bytes <-> RGB uint8 tensors, and resizing.
//
// Implementations: image_codec/opencv (jpg, png, webp, ppm, ...) and image_codec/stb, which
// needs no OpenCV. Every image comes out as 3-channel RGB whatever it was stored as (greyscale,
// CMYK JPEG, PNG with alpha, 16-bit PNG), so later code never branches on the source format.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/export.hpp"

namespace vlforge {

enum class ResizeMode {
  stretch,       // plain resize to h x w, aspect ratio not kept (the paper's SigLIP input)
  shorter_side,  // keep aspect ratio, shorter side = h (img2dataset); w is ignored
  pad_square,    // pad to a square with the mean colour, then resize to h x w (MLM-Filter input)
};

// What the header of an encoded image says, read without decoding the pixels.
struct ImageInfo {
  int64_t width = 0;
  int64_t height = 0;
  std::string format;  // "jpg", "png", "webp", "ppm", ...
};

class VLFORGE_API ImageCodec : public Component {
 public:
  static constexpr std::string_view kind = "image_codec";
  ~ImageCodec() override;

  // Reads only the header, so size limits are checked before a 20000x20000 image is decoded;
  // throws vlforge::Error when the bytes are not an image this codec reads.
  virtual ImageInfo probe(std::span<const uint8_t> bytes) const = 0;
  // -> [H, W, 3] uint8 RGB; throws vlforge::Error on corrupt or unsupported data.
  virtual at::Tensor decode(std::span<const uint8_t> bytes) const = 0;
  // [H, W, 3] uint8 RGB -> bytes in `format` ("jpg", "png", ...).
  virtual std::vector<uint8_t> encode(const at::Tensor& rgb, std::string_view format) const = 0;
  // [H, W, 3] uint8 RGB -> resized [h', w', 3] uint8 RGB; shrinking averages over the source
  // pixels (antialiased, as PIL does), so small thumbnails do not alias.
  virtual at::Tensor resize(const at::Tensor& rgb, int64_t height, int64_t width, ResizeMode mode) const = 0;
};

}  // namespace vlforge
