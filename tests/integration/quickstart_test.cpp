// The quickstart recipe end to end (what `make quickstart` runs), in a scratch run folder: the
// kept set equals the one computed here from the score tables, and the report adds up.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "process.hpp"
#include "test_paths.hpp"
#include "tsv.hpp"

namespace fs = std::filesystem;
using namespace vlforge::test;

TEST(Quickstart, CuratesTheSyntheticWorld) {
  const fs::path run_dir = fresh_dir("quickstart") / "run";
  const auto r = run_command({kVlforge, "run", (kSourceDir / "recipes" / "quickstart.toml").string(), "--set",
                              "run.dir=" + run_dir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  std::vector<std::string> expected;
  std::set<std::string> seen;
  size_t total = 0;
  for (const auto& shard : read_tsv(run_dir / "score" / "shards.txt", false)) {
    const auto table = read_tsv(run_dir / "score" / "scores" / (shard.at(0) + ".caption_quality.tsv"), true);
    for (const auto& row : table) {
      ++total;
      // quality_and_unique = intersection(threshold >= 50, dedup by uid): dedup sees every record.
      const bool first_time = seen.insert(row.at(0)).second;
      if (std::stod(row.at(1)) >= 50.0 && first_time) expected.push_back(row.at(0));
    }
  }
  EXPECT_EQ(total, 2000u);
  std::vector<std::string> kept;
  for (const auto& row : read_tsv(run_dir / "filter" / "kept.tsv", false)) kept.push_back(row.at(0));
  EXPECT_EQ(kept, expected);

  const auto report = nlohmann::json::parse(read_text(run_dir / "filter" / "report.json"));
  EXPECT_EQ(report.at("total").get<size_t>(), 2000u);
  EXPECT_EQ(report.at("kept").get<size_t>(), kept.size());
  EXPECT_EQ(report.at("dropped").get<size_t>(), 2000u - kept.size());
  // A fifth of the world is noisy and some samples repeat: the filter must remove a real share.
  EXPECT_GT(kept.size(), 1400u);
  EXPECT_LT(kept.size(), 1800u);
}
