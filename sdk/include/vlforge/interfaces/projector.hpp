// Interface of kind `projector`: patch features -> LLM input embeddings.
//
// The token count is chosen per call so that one set of weights serves pre-training (144 image
// tokens: 27x27 average-pooled to 12x12) and fine-tuning (729 tokens: pooling is the identity).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string_view>

#include "vlforge/component.hpp"
#include "vlforge/export.hpp"
#include "vlforge/trainable.hpp"

namespace vlforge {

class VLFORGE_API Projector : public Component, public Trainable {
 public:
  static constexpr std::string_view kind = "projector";
  ~Projector() override;

  virtual int64_t input_dim() const = 0;
  virtual int64_t output_dim() const = 0;
  // The token count used when a stage does not choose one.
  virtual int64_t default_tokens() const = 0;
  // features: [B, N, input_dim] (N a square grid) -> [B, tokens, output_dim].
  virtual at::Tensor forward(const at::Tensor& features, int64_t tokens) = 0;
};

}  // namespace vlforge
