#include "adamw.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>

namespace vlforge::fsdp {

AdamW::AdamW(std::vector<FlatUnit>& units, AdamWOptions options) : units_(units), options_(options) {
  for (FlatUnit& unit : units_) {
    exp_avg_.push_back(at::zeros_like(unit.master()));
    exp_avg_sq_.push_back(at::zeros_like(unit.master()));
    std::vector<std::pair<int64_t, int64_t>> runs;
    const int64_t begin = unit.owned_offset(), end = begin + unit.owned_numel();
    for (const FlatParameter& p : unit.parameters()) {
      if (!p.decay) continue;
      const int64_t from = std::max(begin, p.offset), to = std::min(end, p.offset + p.numel);
      if (from < to) runs.emplace_back(from - begin, to - from);
    }
    decay_runs_.push_back(std::move(runs));
  }
}

void AdamW::step(double lr, int64_t step) {
  at::NoGradGuard no_grad;
  const double bias1 = 1.0 - std::pow(options_.beta1, static_cast<double>(step));
  const double bias2 = 1.0 - std::pow(options_.beta2, static_cast<double>(step));
  const double step_size = lr / bias1;
  const double bias2_sqrt = std::sqrt(bias2);
  for (size_t u = 0; u < units_.size(); ++u) {
    at::Tensor& param = units_[u].master();
    const at::Tensor& grad = units_[u].gradient();
    if (options_.weight_decay != 0.0)
      for (const auto& [offset, length] : decay_runs_[u]) param.narrow(0, offset, length).mul_(1.0 - lr * options_.weight_decay);
    exp_avg_[u].mul_(options_.beta1).add_(grad, 1.0 - options_.beta1);
    exp_avg_sq_[u].mul_(options_.beta2).addcmul_(grad, grad, 1.0 - options_.beta2);
    const at::Tensor denom = (exp_avg_sq_[u].sqrt() / bias2_sqrt).add_(options_.eps);
    param.addcdiv_(exp_avg_[u], denom, -step_size);
  }
}

int64_t AdamW::state_bytes() const {
  int64_t bytes = 0;
  for (size_t u = 0; u < exp_avg_.size(); ++u)
    bytes += (exp_avg_[u].numel() + exp_avg_sq_[u].numel()) * exp_avg_[u].element_size();
  return bytes;
}

}  // namespace vlforge::fsdp
