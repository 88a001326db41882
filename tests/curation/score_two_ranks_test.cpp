// stage/score on two ranks of one run (`vlforge launch --nproc 2`): each rank scores its own
// shards, no shard twice, and together they score the whole input, as one process does.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "process.hpp"
#include "test_paths.hpp"

namespace vlforge::test {
namespace {

namespace fs = std::filesystem;

TEST(ScoreTwoRanks, RanksScoreDisjointShardSetsCoveringTheInput) {
  const fs::path dir = fresh_dir("score_two_ranks");
  const fs::path recipe = dir / "score.toml";
  constexpr int kShards = 7;
  write_text(recipe, "[run]\ndir = \"" + (dir / "run").string() +
                         "\"\n[[stage]]\nname = \"score\"\nuse = \"stage/score\"\n"
                         "data = { use = \"dataset/synthetic\", samples = 700, shards = " +
                         std::to_string(kShards) + " }\nscorer = { use = \"scorer/caption-heuristics\" }\n");
  const auto run = run_command({kVlforge, "launch", "--nproc", "2", "--", "run", recipe.string()});
  ASSERT_EQ(run.exit_code, 0) << run.output;

  // "[rank 1] score: scored shard synthetic-00003: 100 samples"; rank 0's lines carry no prefix.
  const std::regex line(R"(\] (?:\[rank (\d+)\] )?score: scored shard (\S+): (\d+) samples)");
  std::map<int, std::set<std::string>> by_rank;
  std::multiset<std::string> all;
  std::istringstream out(run.output);
  for (std::string text; std::getline(out, text);) {
    std::smatch m;
    if (!std::regex_search(text, m, line)) continue;
    const int rank = m[1].matched ? std::stoi(m[1].str()) : 0;
    by_rank[rank].insert(m[2].str());
    all.insert(m[2].str());
    EXPECT_EQ(m[3].str(), "100");
  }
  ASSERT_EQ(by_rank.size(), 2u) << run.output;
  EXPECT_EQ(by_rank[0].size(), 4u);
  EXPECT_EQ(by_rank[1].size(), 3u);
  for (const auto& shard : by_rank[0]) EXPECT_FALSE(by_rank[1].contains(shard)) << shard << " scored twice";
  EXPECT_EQ(all.size(), static_cast<size_t>(kShards));
  std::set<std::string> expected;
  for (int s = 0; s < kShards; ++s) expected.insert("synthetic-0000" + std::to_string(s));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), expected);

  // And one table per shard on disk, each scored once.
  size_t tables = 0;
  for (const auto& e : fs::directory_iterator(dir / "run" / "score" / "scores")) tables += e.path().extension() == ".tsv";
  EXPECT_EQ(tables, static_cast<size_t>(kShards));
}

}  // namespace
}  // namespace vlforge::test
