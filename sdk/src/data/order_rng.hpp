// OrderRng: the shuffles of the data loaders. SplitMix64, a fixed generator, so an epoch's order
// depends on (seed, epoch, stream) alone and not on the standard library's distributions, which
// differ between implementations.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace vlforge {

class OrderRng {
 public:
  OrderRng(uint64_t seed, uint64_t epoch, uint64_t stream) : state_(seed) {
    state_ = next() ^ epoch;
    state_ = next() ^ stream;
  }
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[next() % i]);
  }

 private:
  uint64_t state_;
};

}  // namespace vlforge
