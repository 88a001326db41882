#include "capacity_tree.hpp"

#include <algorithm>

namespace vlforge::packers {

CapacityTree::CapacityTree(int64_t bins, int64_t capacity) {
  while (leaves_ < bins) leaves_ *= 2;
  // Padding leaves beyond `bins` hold 0 so they never fit.
  max_.assign(static_cast<size_t>(2 * leaves_), 0);
  std::fill(max_.begin() + leaves_, max_.begin() + leaves_ + bins, capacity);
  for (int64_t node = leaves_ - 1; node >= 1; --node)
    max_[static_cast<size_t>(node)] = std::max(max_[static_cast<size_t>(2 * node)], max_[static_cast<size_t>(2 * node + 1)]);
}

std::optional<int64_t> CapacityTree::first_fit(int64_t length) const {
  if (max_[1] < length) return std::nullopt;
  int64_t node = 1;
  while (node < leaves_) {
    node *= 2;
    if (max_[static_cast<size_t>(node)] < length) ++node;
  }
  return node - leaves_;
}

void CapacityTree::take(int64_t bin, int64_t length) {
  int64_t node = leaves_ + bin;
  max_[static_cast<size_t>(node)] -= length;
  for (node /= 2; node >= 1; node /= 2) {
    const int64_t updated = std::max(max_[static_cast<size_t>(2 * node)], max_[static_cast<size_t>(2 * node + 1)]);
    if (max_[static_cast<size_t>(node)] == updated) break;  // ancestors above are unchanged too
    max_[static_cast<size_t>(node)] = updated;
  }
}

}  // namespace vlforge::packers
