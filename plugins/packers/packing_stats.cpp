#include "packing_stats.hpp"

namespace vlforge::packers {

PackingStats packing_stats(const PackPlan& plan, std::span<const int64_t> lengths, int64_t context) {
  PackingStats s;
  s.samples = static_cast<int64_t>(lengths.size());
  s.sequences = static_cast<int64_t>(plan.bins.size());
  for (const int64_t length : lengths) s.tokens += length;
  s.lower_bound = (s.tokens + context - 1) / context;
  if (s.sequences > 0) {
    s.fill_ratio = static_cast<double>(s.tokens) / static_cast<double>(s.sequences * context);
    s.padding_ratio = 1.0 - s.fill_ratio;
  }
  if (s.lower_bound > 0)
    s.excess_ratio = static_cast<double>(s.sequences - s.lower_bound) / static_cast<double>(s.lower_bound);
  return s;
}

}  // namespace vlforge::packers
