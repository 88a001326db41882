#include "lr_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace vlforge::fsdp {

LrSchedule::LrSchedule(double peak, std::string shape, int64_t warmup_steps, int64_t total_steps, double min_ratio)
    : peak_(peak), shape_(std::move(shape)), warmup_(warmup_steps), total_(total_steps), min_ratio_(min_ratio) {}

double LrSchedule::at(int64_t step) const {
  if (step <= warmup_) return peak_ * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(warmup_, 1));
  if (shape_ == "constant") return peak_;
  const double span = static_cast<double>(std::max<int64_t>(total_ - warmup_, 1));
  const double progress = std::clamp(static_cast<double>(step - warmup_) / span, 0.0, 1.0);
  const double factor = shape_ == "linear" ? 1.0 - progress : 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
  return peak_ * (min_ratio_ + (1.0 - min_ratio_) * factor);
}

}  // namespace vlforge::fsdp
