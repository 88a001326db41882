// AdamW over the owned slices of flat units, with PyTorch's update rule (torch.optim.AdamW,
// single-tensor path): decoupled decay, then the bias-corrected Adam step. Decay applies only to
// the elements of weight matrices (FlatParameter::decay); biases and norms do not decay.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "flat_unit.hpp"

namespace vlforge::fsdp {

struct AdamWOptions {
  double weight_decay = 0.01;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
};

class AdamW {
 public:
  AdamW(std::vector<FlatUnit>& units, AdamWOptions options);

  // One update of every unit's master slice with its gradient; `step` counts from 1.
  void step(double lr, int64_t step);

  // Per unit, its owned slice of the first and second moments (checkpoints read and fill these).
  std::vector<at::Tensor>& exp_avg() { return exp_avg_; }
  std::vector<at::Tensor>& exp_avg_sq() { return exp_avg_sq_; }
  int64_t state_bytes() const;

 private:
  std::vector<FlatUnit>& units_;
  AdamWOptions options_;
  std::vector<at::Tensor> exp_avg_, exp_avg_sq_;
  // Per unit, the decaying runs of its owned slice, as (offset in the slice, length).
  std::vector<std::vector<std::pair<int64_t, int64_t>>> decay_runs_;
};

}  // namespace vlforge::fsdp
