#include "best_fit_decreasing.hpp"

#include <set>
#include <utility>

#include "decreasing_order.hpp"

namespace vlforge::packers {

PackPlan best_fit_decreasing(std::span<const int64_t> lengths, int64_t context) {
  PackPlan plan;
  std::set<std::pair<int64_t, int64_t>> open;  // (room left, bin): smallest room first, then lowest bin
  for (const int64_t i : decreasing_order(lengths)) {
    const int64_t length = lengths[i];
    auto fit = open.lower_bound({length, 0});
    int64_t bin = 0;
    int64_t room = context;
    if (fit == open.end()) {
      bin = static_cast<int64_t>(plan.bins.size());
      plan.bins.emplace_back();
    } else {
      bin = fit->second;
      room = fit->first;
      open.erase(fit);
    }
    plan.bins[static_cast<size_t>(bin)].push_back(i);
    // A bin with no room left can take nothing more: drop it to keep the set small.
    if (room > length) open.emplace(room - length, bin);
  }
  return plan;
}

}  // namespace vlforge::packers
