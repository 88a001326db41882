// From encoded image bytes to the normalised pixel tensor a vision encoder takes, shared by the
// scorers, the packed-data loader and the evaluators so every stage prepares images the same way.
//
//   at::Tensor px = image_pixels(codec, sample.image, encoder.preprocess(), ResizeMode::stretch);
//   // [3, S, S] float32, (x / 255 - mean) / std per channel
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "vlforge/export.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"

namespace vlforge {

// `rgb` made contiguous, after checking it is what codecs take: [H, W, 3] uint8 on the CPU, H and
// W > 0. Throws vlforge::Error naming `where` otherwise.
VLFORGE_API at::Tensor checked_rgb(const at::Tensor& rgb, std::string_view where);

// [H, W, 3] uint8 RGB -> [3, H, W] float32, (x / 255 - mean[c]) / std[c].
VLFORGE_API at::Tensor normalize_image(const at::Tensor& rgb, const ImagePreprocess& preprocess);

// Decodes, resizes to preprocess.image_size square with `mode` (stretch: the paper's SigLIP
// input; pad_square: MLM-Filter's), normalises. Throws vlforge::Error on a corrupt image.
VLFORGE_API at::Tensor image_pixels(const ImageCodec& codec, std::span<const uint8_t> bytes,
                                    const ImagePreprocess& preprocess, ResizeMode mode);

}  // namespace vlforge
