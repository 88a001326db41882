// The Trainable view of a torch::nn::Module, shared by the model components: parameters under
// their module path (the Hugging Face names when modules are named as transformers names them).
#pragma once

#include <torch/nn/module.h>

#include <vector>

#include "vlforge/export.hpp"
#include "vlforge/trainable.hpp"

namespace vlforge::models {

VLFORGE_API std::vector<NamedTensor> named_parameters_of(const torch::nn::Module& module);
VLFORGE_API void set_requires_grad_of(torch::nn::Module& module, bool requires_grad);

}  // namespace vlforge::models
