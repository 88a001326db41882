// The learning rate of each optimizer step: linear warmup to the peak, then cosine or linear
// decay to min_lr_ratio x peak at the last step (or constant), as transformers' schedulers, with
// the first step already past zero.
#pragma once

#include <cstdint>
#include <string>

namespace vlforge::fsdp {

class LrSchedule {
 public:
  LrSchedule(double peak, std::string shape, int64_t warmup_steps, int64_t total_steps, double min_ratio);
  // `step` counts from 1 to total_steps.
  double at(int64_t step) const;
  int64_t warmup_steps() const { return warmup_; }

 private:
  double peak_;
  std::string shape_;
  int64_t warmup_, total_;
  double min_ratio_;
};

}  // namespace vlforge::fsdp
