// Remaining capacity of a row of bins, as a max segment tree: finds the leftmost bin that still
// holds `length` tokens in O(log bins), which makes first-fit O(n log n) instead of O(n * bins).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace vlforge::packers {

class CapacityTree {
 public:
  // `bins` bins, each with `capacity` tokens free.
  CapacityTree(int64_t bins, int64_t capacity);

  // The leftmost bin with at least `length` tokens free, if any.
  std::optional<int64_t> first_fit(int64_t length) const;
  void take(int64_t bin, int64_t length);
  int64_t remaining(int64_t bin) const { return max_[static_cast<size_t>(leaves_ + bin)]; }

 private:
  int64_t leaves_ = 1;        // a power of two >= bins
  std::vector<int64_t> max_;  // max_[1] is the root; leaf of bin b at leaves_ + b
};

}  // namespace vlforge::packers
