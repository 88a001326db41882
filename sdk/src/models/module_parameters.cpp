#include "vlforge/models/module_parameters.hpp"

namespace vlforge::models {

std::vector<NamedTensor> named_parameters_of(const torch::nn::Module& module) {
  std::vector<NamedTensor> out;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) out.emplace_back(item.key(), item.value());
  return out;
}

void set_requires_grad_of(torch::nn::Module& module, bool requires_grad) {
  for (at::Tensor& p : module.parameters()) p.requires_grad_(requires_grad);
}

}  // namespace vlforge::models
