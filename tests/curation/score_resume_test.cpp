// stage/score killed with SIGKILL halfway: the rerun keeps every finished table untouched,
// scores only the rest, and a table that was being written is never taken for a finished one.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "process.hpp"
#include "test_paths.hpp"
#include "tsv.hpp"

namespace vlforge::test {
namespace {

namespace fs = std::filesystem;

constexpr int kShards = 6;
constexpr int kPerShard = 100;

std::map<std::string, fs::file_time_type> finished_tables(const fs::path& dir) {
  std::map<std::string, fs::file_time_type> tables;
  if (!fs::exists(dir)) return tables;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".tsv") tables[e.path().filename().string()] = e.last_write_time();
  return tables;
}

TEST(ScoreResume, KilledHalfwayResumesWithoutRescoringFinishedShards) {
  const fs::path dir = fresh_dir("score_resume");
  const fs::path recipe = dir / "score.toml";
  write_text(recipe, "[run]\ndir = \"" + (dir / "run").string() + "\"\n[plugins]\npaths = [\"" +
                         kGoodPluginDir.string() +
                         "\"]\n[[stage]]\nname = \"score\"\nuse = \"stage/score\"\n"
                         "data = { use = \"dataset/synthetic\", samples = " +
                         std::to_string(kShards * kPerShard) + ", shards = " + std::to_string(kShards) +
                         " }\n"
                         "scorer = { use = \"scorer/constant\", value = 7.0, batch_size = 10, delay_ms = 60 }\n");
  const fs::path scores = dir / "run" / "score" / "scores";
  {
    BackgroundProcess p({kVlforge, "run", recipe.string()}, dir / "first.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (finished_tables(scores).size() < 2) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << read_text(dir / "first.log");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Kill in the middle of the next shard's batches, while its table is being written.
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    p.kill_hard();
  }
  const auto before = finished_tables(scores);
  ASSERT_GE(before.size(), 2u);
  ASSERT_LT(before.size(), static_cast<size_t>(kShards)) << "scoring finished before it could be killed";
  // Whatever is on disk under a table's name is whole: a header and one row per sample.
  for (const auto& [name, time] : before) EXPECT_EQ(read_tsv(scores / name, true).size(), size_t{kPerShard}) << name;

  const auto second = run_command({kVlforge, "run", recipe.string()});
  ASSERT_EQ(second.exit_code, 0) << second.output;
  const std::string resumed = "resuming: " + std::to_string(before.size()) + " of " + std::to_string(kShards) +
                              " shard(s) already scored, " + std::to_string(kShards - before.size()) + " to go";
  EXPECT_NE(second.output.find(resumed), std::string::npos) << second.output;

  const auto after = finished_tables(scores);
  ASSERT_EQ(after.size(), static_cast<size_t>(kShards));
  for (const auto& [name, time] : before) EXPECT_EQ(after.at(name), time) << name << " was scored again";
  for (const auto& [name, time] : after) {
    const auto rows = read_tsv(scores / name, true);
    ASSERT_EQ(rows.size(), size_t{kPerShard}) << name;
    for (const auto& row : rows) EXPECT_EQ(row[1], "7");
  }
}

}  // namespace
}  // namespace vlforge::test
