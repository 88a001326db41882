// SplitMix64: the small PRNG behind the synthetic world. Hand-written (no std distributions)
// so that sample i is the same bytes on every standard library and machine.
#pragma once

#include <cstdint>

namespace vlforge::synthetic {

// The SplitMix64 finaliser: a bijection on 64-bit words, so distinct inputs give distinct outputs.
constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class SplitMix64 {
 public:
  explicit constexpr SplitMix64(uint64_t seed) : state_(seed) {}

  constexpr uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  // Uniform in [0, n); the modulo bias is below 2^-40 for the small n used here.
  constexpr uint64_t below(uint64_t n) { return next() % n; }
  // Uniform in [0, 1) with 53 random bits.
  constexpr double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// A generator for one (seed, sample index, purpose) triple: each purpose gets its own stream so
// that, e.g., changing how noise is drawn never changes the images.
constexpr SplitMix64 stream(uint64_t seed, uint64_t index, uint64_t purpose) {
  return SplitMix64(mix64(mix64(seed ^ (purpose * 0x9e3779b97f4a7c15ULL)) + index));
}

}  // namespace vlforge::synthetic
