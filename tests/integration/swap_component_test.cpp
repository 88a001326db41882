// One recipe, one line changed: the selector swapped from a threshold to deduplication. Both
// runs give their own result, each equal to the kept set computed here from the score tables.
#include <gtest/gtest.h>

#include <set>

#include "process.hpp"
#include "test_paths.hpp"
#include "tsv.hpp"

namespace fs = std::filesystem;
using namespace vlforge::test;

namespace {

std::string recipe_text(const fs::path& run_dir, const std::string& selector_line) {
  return "[run]\ndir = \"" + run_dir.string() + "\"\nseed = 7\n"
         "[components.world]\nuse = \"dataset/synthetic\"\nsamples = 600\nshards = 3\nseed = 7\n"
         "noise_fraction = 0.3\nduplicate_fraction = 0.1\n"
         "[components.quality]\nuse = \"selector/threshold\"\nscore = \"caption_quality\"\nmin = 60.0\n"
         "[components.unique]\nuse = \"selector/dedup\"\n"
         "[[stage]]\nname = \"score\"\nuse = \"stage/score\"\ndata = \"world\"\n"
         "scorer = { use = \"scorer/caption-heuristics\" }\n"
         "[[stage]]\nname = \"filter\"\nuse = \"stage/filter\"\nscores = \"score\"\ndata = \"world\"\n" +
         selector_line + "\n";
}

struct Scored {
  std::string uid, shard;
  double quality;
};

// Every scored sample in stream order: shards in shards.txt order, rows in table order.
std::vector<Scored> scored_samples(const fs::path& run_dir) {
  std::vector<Scored> out;
  for (const auto& shard_row : read_tsv(run_dir / "score" / "shards.txt", false)) {
    const std::string& shard = shard_row.at(0);
    for (const auto& row : read_tsv(run_dir / "score" / "scores" / (shard + ".caption_quality.tsv"), true))
      out.push_back({row.at(0), shard, std::stod(row.at(1))});
  }
  return out;
}

std::vector<std::string> kept_uids(const fs::path& run_dir) {
  std::vector<std::string> out;
  for (const auto& row : read_tsv(run_dir / "filter" / "kept.tsv", false)) out.push_back(row.at(0));
  return out;
}

}  // namespace

TEST(SwapComponent, OneLineEditSwapsTheSelectorAndEachResultIsRight) {
  const fs::path dir = fresh_dir("swap-component");
  const fs::path run_dir = dir / "run";
  const fs::path recipe = dir / "recipe.toml";

  write_text(recipe, recipe_text(run_dir, "selector = \"quality\""));
  const auto first = run_command({kVlforge, "run", recipe.string()});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const auto samples = scored_samples(run_dir);
  ASSERT_EQ(samples.size(), 600u);
  std::vector<std::string> expected_threshold;
  for (const auto& s : samples)
    if (s.quality >= 60.0) expected_threshold.push_back(s.uid);
  const auto kept_threshold = kept_uids(run_dir);
  EXPECT_EQ(kept_threshold, expected_threshold);

  write_text(recipe, recipe_text(run_dir, "selector = \"unique\""));
  const auto second = run_command({kVlforge, "run", recipe.string()});
  ASSERT_EQ(second.exit_code, 0) << second.output;
  // Only the filter changed: scoring is not redone.
  EXPECT_NE(second.output.find("stage 1/2 'score' is finished and unchanged: skipped"), std::string::npos)
      << second.output;
  std::vector<std::string> expected_unique;
  std::set<std::string> seen;
  for (const auto& s : samples)
    if (seen.insert(s.uid).second) expected_unique.push_back(s.uid);
  const auto kept_unique = kept_uids(run_dir);
  EXPECT_EQ(kept_unique, expected_unique);

  // The two selectors really disagree on this data (noise and duplicates are both present).
  EXPECT_LT(kept_threshold.size(), 600u);
  EXPECT_LT(kept_unique.size(), 600u);
  EXPECT_NE(kept_threshold, kept_unique);
}
