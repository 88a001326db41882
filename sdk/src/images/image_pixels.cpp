#include "vlforge/image_pixels.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <string>

#include "vlforge/error.hpp"

namespace vlforge {
namespace {

const std::string kWhere = "image_pixels";

void require_rgb(const at::Tensor& rgb) {
  if (!rgb.defined() || rgb.dim() != 3 || rgb.size(2) != 3 || rgb.scalar_type() != at::kByte)
    throw Error(kWhere, "expected an [H, W, 3] uint8 RGB tensor, got " +
                            (rgb.defined() ? c10::str(rgb.sizes(), " ", rgb.scalar_type())
                                           : std::string("an undefined tensor")));
}

// LLaVA's expand2square, which MLM-Filter's preprocessing runs: the image centred (offset rounded
// down) on a square of the processor's mean colour, each channel int(mean * 255) as Python
// truncates it. The codecs' own pad_square cannot know the processor and pads with the image's
// mean colour instead.
at::Tensor expand_to_square(const at::Tensor& rgb, const std::array<double, 3>& mean) {
  const int64_t height = rgb.size(0);
  const int64_t width = rgb.size(1);
  if (height == width) return rgb;
  const int64_t side = std::max(height, width);
  at::Tensor square = at::empty({side, side, 3}, at::kByte);
  for (int64_t c = 0; c < 3; ++c) square.select(2, c).fill_(static_cast<int64_t>(mean[c] * 255));
  square.narrow(0, (side - height) / 2, height).narrow(1, (side - width) / 2, width).copy_(rgb);
  return square;
}

// transformers' center_crop: offsets rounded down.
at::Tensor center_crop(const at::Tensor& rgb, int64_t side) {
  return rgb.narrow(0, (rgb.size(0) - side) / 2, side).narrow(1, (rgb.size(1) - side) / 2, side);
}

}  // namespace

at::Tensor checked_rgb(const at::Tensor& rgb, std::string_view where) {
  if (!rgb.defined() || rgb.dim() != 3 || rgb.size(2) != 3 || rgb.scalar_type() != at::kByte || !rgb.device().is_cpu())
    throw Error(std::string(where), "expected an [H, W, 3] uint8 RGB tensor on the CPU, got " +
                                        (rgb.defined() ? c10::str(rgb.sizes(), " ", rgb.scalar_type(), " on ", rgb.device())
                                                       : std::string("an undefined tensor")));
  if (rgb.size(0) == 0 || rgb.size(1) == 0)
    throw Error(std::string(where), "the image is empty (" + c10::str(rgb.sizes()) + ")");
  return rgb.contiguous();
}

at::Tensor normalize_image(const at::Tensor& rgb, const ImagePreprocess& preprocess) {
  require_rgb(rgb);
  for (size_t c = 0; c < 3; ++c)
    if (!(preprocess.std[c] > 0))
      throw Error(kWhere, "std[" + std::to_string(c) + "] = " + std::to_string(preprocess.std[c]) +
                              " (must be positive)");
  at::Tensor out = at::empty({3, rgb.size(0), rgb.size(1)}, at::kFloat);
  out.copy_(rgb.permute({2, 0, 1}));
  // The float32 steps of transformers' rescale then normalize: x / 255, then (x - mean) / std.
  const auto per_channel = [](const std::array<double, 3>& v) {
    return at::tensor(at::ArrayRef<float>{static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2])})
        .view({3, 1, 1});
  };
  out.div_(255).sub_(per_channel(preprocess.mean)).div_(per_channel(preprocess.std));
  return out;
}

at::Tensor image_pixels(const ImageCodec& codec, std::span<const uint8_t> bytes, const ImagePreprocess& preprocess,
                        ResizeMode mode) {
  const int64_t side = preprocess.image_size;
  if (side < 1) throw Error(kWhere, "image_size = " + std::to_string(side) + " (must be positive)");
  const at::Tensor rgb = codec.decode(bytes);
  switch (mode) {
    case ResizeMode::stretch:
      return normalize_image(codec.resize(rgb, side, side, ResizeMode::stretch), preprocess);
    case ResizeMode::pad_square:
      return normalize_image(codec.resize(expand_to_square(rgb, preprocess.mean), side, side, ResizeMode::stretch),
                             preprocess);
    case ResizeMode::shorter_side:
      // CLIP's preprocessing: shorter side to the input size, then the centre square.
      return normalize_image(center_crop(codec.resize(rgb, side, side, ResizeMode::shorter_side), side), preprocess);
  }
  throw Error(kWhere, "unknown resize mode " + std::to_string(static_cast<int>(mode)));
}

}  // namespace vlforge
