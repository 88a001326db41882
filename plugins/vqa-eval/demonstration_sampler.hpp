// The in-context demonstrations of few-shot VQA, drawn so that a seed gives the same ones with
// any compiler and standard library: std::mt19937_64, whose output sequence the C++ standard
// fixes, seeded with the seed; each draw takes the engine's next 64-bit outputs and maps them to
// an index by rejection (no std::uniform_int_distribution, whose algorithm is left to the
// library):
//
//   below(n): t = 2^64 mod n; repeat x = engine() until x >= t; return x mod n
//
// For each query in turn, draw() repeats below(support size) until it has k distinct indices
// other than the excluded one (the query itself, when it is in the support set); demonstrations
// come in the order drawn.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

namespace vlforge::vqa_eval {

class DemonstrationSampler {
 public:
  DemonstrationSampler(uint64_t seed, size_t support_size);

  // `k` distinct indices in [0, support_size), none equal to `exclude`. The support set must have
  // k indices besides `exclude` (checked by the caller).
  std::vector<size_t> draw(size_t k, std::optional<size_t> exclude);

  // A uniform index in [0, n), n > 0.
  uint64_t below(uint64_t n);

 private:
  std::mt19937_64 engine_;
  size_t support_size_;
};

}  // namespace vlforge::vqa_eval
