#include "one_per_bin.hpp"

namespace vlforge::packers {

PackPlan one_per_bin(std::span<const int64_t> lengths, int64_t /*context*/) {
  PackPlan plan;
  plan.bins.reserve(lengths.size());
  for (size_t i = 0; i < lengths.size(); ++i) plan.bins.push_back({static_cast<int64_t>(i)});
  return plan;
}

}  // namespace vlforge::packers
