// Interface of kind `image_codec`: encoded bytes <-> RGB uint8 tensors, and resizing.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/export.hpp"

namespace vlforge {

enum class ResizeMode {
  stretch,       // plain resize to h x w, aspect ratio not kept (the paper's SigLIP input)
  shorter_side,  // keep aspect ratio, shorter side = h (img2dataset)
  pad_square,    // pad to a square with the mean colour, then resize (MLM-Filter input)
};

class VLFORGE_API ImageCodec : public Component {
 public:
  static constexpr std::string_view kind = "image_codec";
  ~ImageCodec() override;

  // -> [H, W, 3] uint8 RGB; throws vlforge::Error on corrupt or unsupported data.
  virtual at::Tensor decode(std::span<const uint8_t> bytes) const = 0;
  // [H, W, 3] uint8 RGB -> bytes in `format` ("jpg", "png", ...).
  virtual std::vector<uint8_t> encode(const at::Tensor& rgb, std::string_view format) const = 0;
  virtual at::Tensor resize(const at::Tensor& rgb, int64_t height, int64_t width, ResizeMode mode) const = 0;
};

}  // namespace vlforge
