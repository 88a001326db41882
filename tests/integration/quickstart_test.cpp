// The quickstart recipe end to end (what `make quickstart` runs), in a scratch run folder: the
// kept set equals the one computed here from the score tables, the report adds up, pre-training
// lowers the held-out caption loss, the fine-tuned model answers questions about new images
// better than chance in the eval stage, and `vlforge chat` on its folder answers as it did there.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "process.hpp"
#include "test_paths.hpp"
#include "tsv.hpp"

namespace fs = std::filesystem;
using namespace vlforge;
using namespace vlforge::test;

namespace {

fs::path run_quickstart() {
  const fs::path run_dir = fresh_dir("quickstart") / "run";
  const auto r = run_command({kVlforge, "run", (kSourceDir / "recipes" / "quickstart.toml").string()},
                             {"VLFORGE_RUN_DIR=" + run_dir.string()}, kSourceDir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return run_dir;
}

// VLFORGE_QUICKSTART_RUN names a finished run to check instead of running one here.
fs::path quickstart_run() {
  return std::getenv("VLFORGE_QUICKSTART_RUN") ? fs::path(std::getenv("VLFORGE_QUICKSTART_RUN")) : run_quickstart();
}

void expect_curated(const fs::path& run_dir) {
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

void expect_pretrained(const fs::path& run_dir) {
  const auto report = nlohmann::json::parse(read_text(run_dir / "pretrain" / "train_report.json"));
  const double before = report.at("heldout_loss_before").get<double>();
  const double after = report.at("heldout_loss_after").get<double>();
  std::cout << "held-out caption loss: " << before << " -> " << after << "\n";
  EXPECT_LT(after, 0.3 * before);
}

// The eval stage's VQA accuracy per kind of question (exact match here: all ten annotators agree)
// against what guessing among each question's choices would score.
void expect_fine_tuned(const fs::path& run_dir) {
  std::map<std::string, double> chance_sum;
  std::map<std::string, int> asked;
  std::ifstream in(run_dir / "conversations" / "eval.jsonl");
  for (std::string line; std::getline(in, line);) {
    const auto q = nlohmann::json::parse(line);
    chance_sum[q.at("kind")] += 1.0 / static_cast<double>(q.at("choices").size());
    asked[q.at("kind")] += 1;
  }
  ASSERT_FALSE(asked.empty());
  const auto metrics = nlohmann::json::parse(read_text(run_dir / "eval" / "vqa" / "metrics.json")).at("metrics");
  double expected_by_chance = 0, total = 0;
  for (const auto& [kind, n] : asked) {
    std::cout << kind << ": " << metrics.at("accuracy/" + kind).get<double>() << " right (chance "
              << chance_sum[kind] / n << ")\n";
    expected_by_chance += chance_sum[kind];
    total += n;
  }
  const double accuracy = metrics.at("accuracy").get<double>();
  std::cout << "overall: " << accuracy << " right, chance " << expected_by_chance / total << "\n";
  EXPECT_GT(accuracy, 2.0 * expected_by_chance / total);
  // The background fills the image: even a tiny model learns it.
  EXPECT_GT(metrics.at("accuracy/background").get<double>(), 0.8);
}

// `vlforge chat` on the fine-tuned folder (its model.toml written by stage/train) answers a
// held-out question as the eval stage did.
void expect_chat_answers_as_evaluated(const fs::path& run_dir) {
  std::ifstream in(run_dir / "eval" / "vqa" / "predictions.jsonl");
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const auto prediction = nlohmann::json::parse(line);
  const std::string image = (run_dir / "conversations" / prediction.at("question_id").get<std::string>()).string();
  const std::string command = "'" + kVlforge + "' chat --checkpoint '" + (run_dir / "sft" / "model").string() +
                              "' --image '" + image + "' --max-tokens 6 '" + prediction.at("question").get<std::string>() +
                              "' 2>/dev/null";
  const auto r = run_command({"/bin/sh", "-c", command});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, prediction.at("prediction").get<std::string>() + "\n");
}

}  // namespace

// One test, one run: the stages build on each other, and ctest runs every test in its own process.
TEST(Quickstart, CuratesPretrainsAndFineTunes) {
  const fs::path run_dir = quickstart_run();
  {
    SCOPED_TRACE("curation");
    expect_curated(run_dir);
  }
  {
    SCOPED_TRACE("pre-training");
    expect_pretrained(run_dir);
  }
  {
    SCOPED_TRACE("fine-tuning and evaluation");
    expect_fine_tuned(run_dir);
  }
  {
    SCOPED_TRACE("chat");
    expect_chat_answers_as_evaluated(run_dir);
  }
}
