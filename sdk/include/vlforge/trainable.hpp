// vlforge::Trainable: the view a trainer has of a model component (encoder, projector, LM):
// its parameters under Hugging Face names, device/dtype moves and train/eval mode.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <utility>
#include <vector>

#include "vlforge/export.hpp"

namespace vlforge {

using NamedTensor = std::pair<std::string, at::Tensor>;

class VLFORGE_API Trainable {
 public:
  virtual ~Trainable();
  // Parameters with their Hugging Face names (e.g. "model.layers.0.self_attn.q_proj.weight").
  virtual std::vector<NamedTensor> named_parameters() = 0;
  virtual void set_requires_grad(bool requires_grad) = 0;
  virtual void set_training(bool training) = 0;
  virtual void to(const at::Device& device, at::ScalarType dtype) = 0;
  // Activation recomputation: keep only each block's input in the forward pass and run the block
  // again in the backward pass, trading compute for memory. False when the component cannot.
  virtual bool set_recompute(bool recompute) { return !recompute; }
  // The component's architecture as a transformers config.json (the text export writes beside
  // its weights, so that the folder loads again); empty when it has none.
  virtual std::string hf_config() const { return {}; }

  // Moves to `device` ("cpu", "cuda:0"), keeping the dtype the component was built with: what a
  // stage does with components it only runs (scorers, evaluators).
  void to_device(const std::string& device);
};

}  // namespace vlforge
