// GeluMlpProjector: Linear -> GELU (exact) -> Linear from vision features to LLM embeddings,
// optionally after average-pooling the patch grid. Both built-in projectors are this module:
//   projector/avgpool-mlp  Open-Qwen2VL: pool 27x27 -> 12x12 (144 tokens) in pre-training, no pooling
//                          (729) in fine-tuning, the same weights; `projector.fc1`, `projector.fc2`.
//   projector/mlp          LLaVA-1.5 mlp2x_gelu, one token per patch; named as transformers'
//                          LlavaForConditionalGeneration: `multi_modal_projector.linear_1`, `.linear_2`.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "vlforge/interfaces/projector.hpp"
#include "vlforge/models/vit.hpp"

namespace vlforge::projectors {

// Parameter names and behaviour of one projector kind.
struct GeluMlpLayout {
  std::string component;  // "projector/avgpool-mlp", prefixes errors
  std::string module;     // "projector": parameters are MODULE.FIRST.weight, ...
  std::string first;      // "fc1"
  std::string second;     // "fc2"
  bool pools = false;     // average-pools the patch grid to the requested token count
};

struct GeluMlpSettings {
  std::filesystem::path checkpoint;  // .safetensors file or model folder; empty: random init
  int64_t input_dim = 0;             // 0: from the checkpoint
  int64_t hidden_dim = 0;            // 0: from the checkpoint, else output_dim
  int64_t output_dim = 0;            // 0: from the checkpoint
  int64_t default_tokens = 0;        // 0: one per patch
  uint64_t seed = 0;                 // random init
  std::string dtype = "float32";
};

class GeluMlpProjector final : public Projector {
 public:
  GeluMlpProjector(GeluMlpLayout layout, const GeluMlpSettings& settings);

  int64_t input_dim() const override { return first_->weight.size(1); }
  int64_t output_dim() const override { return second_->weight.size(0); }
  int64_t default_tokens() const override { return default_tokens_; }
  // features [B, N, input_dim] -> [B, tokens, output_dim]; tokens 0 = N (no pooling).
  at::Tensor forward(const at::Tensor& features, int64_t tokens) override;

  std::vector<NamedTensor> named_parameters() override;
  void set_requires_grad(bool requires_grad) override;
  void set_training(bool training) override;
  void to(const at::Device& device, at::ScalarType dtype) override;
  // Not a transformers model: what rebuilds it (vlforge's component, sizes, pooling, names).
  std::string hf_config() const override;

 private:
  void load(const std::filesystem::path& checkpoint);
  void init_random(uint64_t seed);

  GeluMlpLayout layout_;
  int64_t default_tokens_;
  std::shared_ptr<torch::nn::Module> root_;  // MODULE -> FIRST, SECOND: names are the checkpoint's
  std::shared_ptr<models::VitLinear> first_, second_;
};

}  // namespace vlforge::projectors
