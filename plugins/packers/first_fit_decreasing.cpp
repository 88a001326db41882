#include "first_fit_decreasing.hpp"

#include <algorithm>

#include "capacity_tree.hpp"
#include "decreasing_order.hpp"

namespace vlforge::packers {

PackPlan first_fit_decreasing(std::span<const int64_t> lengths, int64_t context) {
  PackPlan plan;
  if (lengths.empty()) return plan;
  int64_t total = 0;
  for (const int64_t length : lengths) total += length;
  // First fit never leaves two bins at most half full, so it opens at most 2 * total / context + 1
  // bins: a tree that small stays in cache even for millions of samples.
  const int64_t max_bins = std::min<int64_t>(static_cast<int64_t>(lengths.size()), 2 * (total / context) + 2);
  CapacityTree tree(max_bins, context);
  for (const int64_t i : decreasing_order(lengths)) {
    // The bound above leaves a fresh bin with `context` free, so some bin always fits.
    const int64_t bin = *tree.first_fit(lengths[i]);
    tree.take(bin, lengths[i]);
    if (bin == static_cast<int64_t>(plan.bins.size())) plan.bins.emplace_back();
    plan.bins[static_cast<size_t>(bin)].push_back(i);
  }
  return plan;
}

}  // namespace vlforge::packers
