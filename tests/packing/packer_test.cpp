// The packers of plugins/packers, created from TOML like a recipe does: every sample exactly once,
// no sequence over `context`, FFD and BFD identical to plain quadratic references with the same
// tie-breaking, ffd-refine never worse than FFD, and the padding figures on a caption shard.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "component_factory.hpp"
#include "error_text.hpp"
#include "packing_stats.hpp"
#include "vlforge/interfaces/packer.hpp"

namespace vlforge::test {
namespace {

using Bins = std::vector<std::vector<int64_t>>;

std::shared_ptr<Packer> make_packer(ComponentMaker& maker, const std::string& name, int64_t context) {
  // image_tokens only has to fit the context; these tests pack bare lengths.
  return maker.make<Packer>("use = \"packer/" + name + "\"\ncontext = " + std::to_string(context) +
                            "\nimage_tokens = 0");
}

std::vector<int64_t> reference_order(const std::vector<int64_t>& lengths) {
  std::vector<int64_t> order(lengths.size());
  std::iota(order.begin(), order.end(), int64_t{0});
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return lengths[a] > lengths[b]; });
  return order;
}

// First-fit-decreasing as written in textbooks: scan the bins from the first.
Bins reference_ffd(const std::vector<int64_t>& lengths, int64_t context) {
  Bins bins;
  std::vector<int64_t> room;
  for (const int64_t i : reference_order(lengths)) {
    size_t b = 0;
    while (b < bins.size() && room[b] < lengths[i]) ++b;
    if (b == bins.size()) {
      bins.emplace_back();
      room.push_back(context);
    }
    bins[b].push_back(i);
    room[b] -= lengths[i];
  }
  return bins;
}

// Best-fit-decreasing by scanning: the bin with the least room that fits, the first on ties.
Bins reference_bfd(const std::vector<int64_t>& lengths, int64_t context) {
  Bins bins;
  std::vector<int64_t> room;
  for (const int64_t i : reference_order(lengths)) {
    size_t best = bins.size();
    for (size_t b = 0; b < bins.size(); ++b)
      if (room[b] >= lengths[i] && (best == bins.size() || room[b] < room[best])) best = b;
    if (best == bins.size()) {
      bins.emplace_back();
      room.push_back(context);
    }
    bins[best].push_back(i);
    room[best] -= lengths[i];
  }
  return bins;
}

// Every index exactly once, no empty sequence, none over `context`.
void expect_valid(const Bins& bins, const std::vector<int64_t>& lengths, int64_t context, const std::string& what) {
  std::vector<int> seen(lengths.size(), 0);
  for (const auto& bin : bins) {
    EXPECT_FALSE(bin.empty()) << what;
    int64_t load = 0;
    for (const int64_t i : bin) {
      ASSERT_GE(i, 0) << what;
      ASSERT_LT(i, static_cast<int64_t>(lengths.size())) << what;
      ++seen[static_cast<size_t>(i)];
      load += lengths[static_cast<size_t>(i)];
    }
    EXPECT_LE(load, context) << what;
  }
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], 1) << what << ": sample " << i;
}

struct Case {
  std::string name;
  int64_t context;
  std::vector<int64_t> lengths;
};

// Sizes 0, 1, small and large; lengths uniform, tiny, all equal, all == context, and caption-like.
std::vector<Case> random_cases() {
  std::vector<Case> cases;
  for (const int64_t context : {1, 7, 100, 4096}) {
    for (const size_t n : {0, 1, 2, 5, 31, 200, 1500}) {
      for (uint64_t seed = 0; seed < 6; ++seed) {
        std::mt19937_64 rng(seed * 7919 + n * 31 + static_cast<uint64_t>(context));
        const std::string tag = "context " + std::to_string(context) + " n " + std::to_string(n) + " seed " +
                                std::to_string(seed);
        std::uniform_int_distribution<int64_t> any(1, context);
        std::uniform_int_distribution<int64_t> tiny(1, std::max<int64_t>(1, context / 10));
        std::vector<int64_t> uniform(n), small(n), equal(n, any(rng)), full(n, context), caption(n);
        for (auto& l : uniform) l = any(rng);
        for (auto& l : small) l = tiny(rng);
        std::uniform_int_distribution<int64_t> words(20, 80);
        for (auto& l : caption) l = std::min(context, words(rng) + 146);
        cases.push_back({"uniform " + tag, context, uniform});
        cases.push_back({"small " + tag, context, small});
        cases.push_back({"all equal " + tag, context, equal});
        cases.push_back({"all == context " + tag, context, full});
        cases.push_back({"caption " + tag, context, caption});
      }
    }
  }
  return cases;
}

TEST(PackerTest, FfdEqualsReferenceFfd) {
  ComponentMaker maker;
  for (const Case& c : random_cases()) {
    const Bins bins = make_packer(maker, "ffd", c.context)->pack(c.lengths).bins;
    expect_valid(bins, c.lengths, c.context, c.name);
    ASSERT_EQ(bins, reference_ffd(c.lengths, c.context)) << c.name;
  }
}

TEST(PackerTest, BfdEqualsReferenceBfd) {
  ComponentMaker maker;
  int differs_from_ffd = 0;
  for (const Case& c : random_cases()) {
    const Bins bins = make_packer(maker, "bfd", c.context)->pack(c.lengths).bins;
    expect_valid(bins, c.lengths, c.context, c.name);
    ASSERT_EQ(bins, reference_bfd(c.lengths, c.context)) << c.name;
    if (bins != reference_ffd(c.lengths, c.context)) ++differs_from_ffd;
  }
  // Best fit must be a different rule, not first fit again.
  EXPECT_GT(differs_from_ffd, 0);
}

TEST(PackerTest, FfdRefineIsValidAndNeverWorseThanFfd) {
  ComponentMaker maker;
  int better = 0;
  for (const Case& c : random_cases()) {
    const Bins bins = make_packer(maker, "ffd-refine", c.context)->pack(c.lengths).bins;
    expect_valid(bins, c.lengths, c.context, c.name);
    const size_t ffd = reference_ffd(c.lengths, c.context).size();
    ASSERT_LE(bins.size(), ffd) << c.name;
    if (bins.size() < ffd) ++better;
  }
  EXPECT_GT(better, 0);
}

TEST(PackerTest, NonePutsEachSampleAloneInInputOrder) {
  ComponentMaker maker;
  const std::vector<int64_t> lengths = {5, 1, 100, 7};
  EXPECT_EQ(make_packer(maker, "none", 100)->pack(lengths).bins, (Bins{{0}, {1}, {2}, {3}}));
  EXPECT_TRUE(make_packer(maker, "none", 100)->pack({}).bins.empty());
}

TEST(PackerTest, FirstFitAndBestFitPartOnAHandWorkedCase) {
  ComponentMaker maker;
  // Context 7: 5 -> A (room 2), 3 -> B (room 4), 3 -> B (room 1). The 1 goes to A under first fit
  // (the first with room) and to B under best fit (room 1 is tighter than 2).
  const std::vector<int64_t> lengths = {5, 3, 3, 1};
  EXPECT_EQ(make_packer(maker, "ffd", 7)->pack(lengths).bins, (Bins{{0, 3}, {1, 2}}));
  EXPECT_EQ(make_packer(maker, "bfd", 7)->pack(lengths).bins, (Bins{{0}, {1, 2, 3}}));
  // Equal lengths keep input order: 5(#1) -> A (room 5), 4(#0) -> A (1), 4(#2) -> B (6),
  // 3(#3) -> B (3), 3(#4) -> B (0).
  EXPECT_EQ(make_packer(maker, "ffd", 10)->pack(std::vector<int64_t>{4, 5, 4, 3, 3}).bins,
            (Bins{{1, 0}, {2, 3, 4}}));
}

TEST(PackerTest, ConfigDefaultsAndValues) {
  ComponentMaker maker;
  const auto defaults = maker.make<Packer>("use = \"packer/ffd\"");
  EXPECT_EQ(defaults->context(), 4096);
  EXPECT_EQ(defaults->image_tokens(), 144);
  const auto set = maker.make<Packer>("use = \"packer/bfd\"\ncontext = 2048\nimage_tokens = 729");
  EXPECT_EQ(set->context(), 2048);
  EXPECT_EQ(set->image_tokens(), 729);
  EXPECT_NE(error_of([&] { maker.make<Packer>("use = \"packer/ffd\"\ncontext = 0"); }), "");
  EXPECT_NE(error_of([&] { maker.make<Packer>("use = \"packer/ffd\"\ncontext = 100\nimage_tokens = 144"); }), "");
}

TEST(PackerTest, RefusesLengthsNoSequenceHolds) {
  ComponentMaker maker;
  for (const std::string name : {"ffd", "bfd", "ffd-refine", "none"}) {
    const auto packer = make_packer(maker, name, 100);
    EXPECT_EQ(error_of([&] { packer->pack(std::vector<int64_t>{10, 20, 101}); }),
              "packer/" + name +
                  ": sample 2 has length 101, more than the context of 100 tokens (truncate or drop it before "
                  "packing, or raise `context`)");
    EXPECT_EQ(error_of([&] { packer->pack(std::vector<int64_t>{10, 0}); }),
              "packer/" + name + ": sample 1 has length 0 (every sample needs at least one token)");
    EXPECT_NE(error_of([&] { packer->pack(std::vector<int64_t>{-3}); }), "");
    EXPECT_EQ(packer->pack(std::vector<int64_t>{100}).bins, (Bins{{0}}));
  }
}

// The acceptance figure: a 10k-sample shard of captions of 20..80 tokens, each with 144 image
// tokens, a newline and <|im_end|>, into 4096-token sequences.
TEST(PackerTest, CaptionShardPaddingFigures) {
  ComponentMaker maker;
  std::mt19937_64 rng(2504);
  std::uniform_int_distribution<int64_t> caption(20, 80);
  std::vector<int64_t> lengths(10000);
  for (auto& l : lengths) l = caption(rng) + 144 + 2;
  const auto timed = [&](const std::string& name) {
    const auto packer = make_packer(maker, name, 4096);
    const auto start = std::chrono::steady_clock::now();
    PackPlan plan = packer->pack(lengths);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    expect_valid(plan.bins, lengths, 4096, name);
    const auto s = packers::packing_stats(plan, lengths, 4096);
    std::printf("%-11s %5lld sequences (lower bound %lld), padding %.3f%%, %.4f s\n", name.c_str(),
                static_cast<long long>(s.sequences), static_cast<long long>(s.lower_bound), 100 * s.padding_ratio,
                seconds);
    EXPECT_LT(seconds, 5.0) << name;
    return s;
  };
  const auto ffd = timed("ffd");
  const auto bfd = timed("bfd");
  const auto refine = timed("ffd-refine");
  const auto none = timed("none");
  EXPECT_GT(ffd.padding_ratio, 0.010);
  EXPECT_LT(ffd.padding_ratio, 0.030);
  EXPECT_LT(bfd.padding_ratio, 0.030);
  EXPECT_LT(refine.padding_ratio, 0.005);
  EXPECT_GE(refine.sequences, refine.lower_bound);
  EXPECT_EQ(none.sequences, 10000);
  EXPECT_GT(none.padding_ratio, 0.94);
}

TEST(PackerStatsTest, RatiosOfAKnownPlan) {
  const std::vector<int64_t> lengths = {6, 4, 5};
  const PackPlan plan{{{0, 1}, {2}}};
  const auto s = packers::packing_stats(plan, lengths, 10);
  EXPECT_EQ(s.tokens, 15);
  EXPECT_EQ(s.lower_bound, 2);
  EXPECT_DOUBLE_EQ(s.fill_ratio, 0.75);
  EXPECT_DOUBLE_EQ(s.padding_ratio, 0.25);
  EXPECT_DOUBLE_EQ(s.excess_ratio, 0.0);
}

}  // namespace
}  // namespace vlforge::test
