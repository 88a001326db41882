// The few-shot demonstrations a seed draws. The expected indices come from an independent
// Python implementation of MT19937-64 (the recurrence and tempering of the C++ standard,
// [rand.eng.mers]) running the documented procedure: t = 2^64 mod n, draw until x >= t, x mod n;
// skip the excluded index and repeats.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <vector>

#include "demonstration_sampler.hpp"

using vlforge::vqa_eval::DemonstrationSampler;

namespace {

TEST(DemonstrationSampler, TheEngineIsTheStandardsMersenneTwister) {
  // [rand.predef]: the 10000th output of a default-constructed mt19937_64.
  std::mt19937_64 engine;
  engine.discard(9999);
  EXPECT_EQ(engine(), 9981545732273789042ull);
}

TEST(DemonstrationSampler, DrawsTheDocumentedSequence) {
  struct Expected {
    uint64_t seed;
    std::vector<size_t> first, second;
  };
  // Per seed, from 10 indices: draw(4, excluding 2), then draw(4, excluding none).
  const std::vector<Expected> expected = {
      {0, {4, 7, 3, 8}, {6, 8, 3, 4}},
      {1, {8, 0, 6, 4}, {9, 8, 5, 4}},
      {7, {5, 0, 8, 6}, {1, 8, 9, 0}},
  };
  for (const Expected& e : expected) {
    DemonstrationSampler ten(e.seed, 10);
    EXPECT_EQ(ten.draw(4, 2), e.first) << "seed " << e.seed;
    EXPECT_EQ(ten.draw(4, std::nullopt), e.second) << "seed " << e.seed;
  }
}

TEST(DemonstrationSampler, NeverDrawsTheExcludedIndexOrOneTwice) {
  DemonstrationSampler sampler(42, 6);
  for (int round = 0; round < 200; ++round) {
    const auto drawn = sampler.draw(5, 3);
    ASSERT_EQ(drawn.size(), 5u);
    std::vector<size_t> sorted = drawn;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (std::vector<size_t>{0, 1, 2, 4, 5}));  // all but 3, each once
  }
}

}  // namespace
