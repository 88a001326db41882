#include "decreasing_order.hpp"

#include <algorithm>
#include <numeric>

namespace vlforge::packers {

std::vector<int64_t> decreasing_order(std::span<const int64_t> lengths) {
  std::vector<int64_t> order(lengths.size());
  std::iota(order.begin(), order.end(), int64_t{0});
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return lengths[a] != lengths[b] ? lengths[a] > lengths[b] : a < b;
  });
  return order;
}

}  // namespace vlforge::packers
