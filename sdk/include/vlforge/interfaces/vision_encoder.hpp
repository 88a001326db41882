// Interface of kind `vision_encoder`: image pixels -> patch features (SigLIP, CLIP).
//
// `forward` returns the features of the configured layer (the paper uses the second-to-last
// block of SigLIP: 729 patches of width 1152 at 384 px), without class token. Encoders with a
// text tower also give the pooled image and text embeddings used for CLIP-style scores.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <string_view>

#include "vlforge/component.hpp"
#include "vlforge/export.hpp"
#include "vlforge/trainable.hpp"

namespace vlforge {

// How images must be prepared for this encoder.
struct ImagePreprocess {
  int64_t image_size = 384;             // square input side, pixels
  std::array<double, 3> mean{0.5, 0.5, 0.5};
  std::array<double, 3> std{0.5, 0.5, 0.5};
};

class VLFORGE_API VisionEncoder : public Component, public Trainable {
 public:
  static constexpr std::string_view kind = "vision_encoder";
  ~VisionEncoder() override;

  virtual ImagePreprocess preprocess() const = 0;
  virtual int64_t grid_size() const = 0;    // patches per side (27 for SO400M at 384 px)
  virtual int64_t hidden_size() const = 0;  // feature width (1152)

  // pixels: [B, 3, H, W] float, normalised -> [B, grid*grid, hidden] at the selected layer.
  virtual at::Tensor forward(const at::Tensor& pixels) = 0;

  // Contrastive towers (for clip-score); encoders without a text tower return false.
  virtual bool has_text_tower() const { return false; }
  // [B, 3, H, W] -> [B, D] pooled image embedding (not normalised).
  virtual at::Tensor image_embeds(const at::Tensor& pixels);
  // ids [B, T] (+ mask [B, T], may be undefined) -> [B, D] pooled text embedding.
  virtual at::Tensor text_embeds(const at::Tensor& input_ids, const at::Tensor& attention_mask);
};

}  // namespace vlforge
