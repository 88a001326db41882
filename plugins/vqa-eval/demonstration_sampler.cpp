#include "demonstration_sampler.hpp"

#include <algorithm>

namespace vlforge::vqa_eval {

DemonstrationSampler::DemonstrationSampler(uint64_t seed, size_t support_size)
    : engine_(seed), support_size_(support_size) {}

uint64_t DemonstrationSampler::below(uint64_t n) {
  // 2^64 mod n in 64-bit arithmetic: (2^64 - n) mod n.
  const uint64_t threshold = (0 - n) % n;
  uint64_t x = engine_();
  while (x < threshold) x = engine_();
  return x % n;
}

std::vector<size_t> DemonstrationSampler::draw(size_t k, std::optional<size_t> exclude) {
  std::vector<size_t> chosen;
  chosen.reserve(k);
  while (chosen.size() < k) {
    const auto i = static_cast<size_t>(below(support_size_));
    if (exclude && i == *exclude) continue;
    if (std::find(chosen.begin(), chosen.end(), i) != chosen.end()) continue;
    chosen.push_back(i);
  }
  return chosen;
}

}  // namespace vlforge::vqa_eval
