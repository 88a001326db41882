// stage/evaluate through the executable, with evaluator/pope on a tiny random model: the answers
// do not depend on the number of ranks or the batch size, every rank answers its share, and an
// interrupted evaluation resumes from the answers it logged.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "process.hpp"
#include "test_paths.hpp"
#include "tiny_model.hpp"

namespace fs = std::filesystem;
using namespace vlforge::test;

namespace {

// Three small images (binary PPM) and 11 POPE questions about them.
fs::path write_pope(const fs::path& dir) {
  fs::create_directories(dir / "images");
  const char* colours[] = {"\xdc\x10\x10", "\x10\x10\xdc", "\x10\xdc\x10"};
  for (int i = 0; i < 3; ++i) {
    std::ofstream image(dir / "images" / ("img" + std::to_string(i) + ".ppm"), std::ios::binary);
    image << "P6\n8 8\n255\n";
    for (int p = 0; p < 64; ++p) image.write(colours[i], 3);
  }
  const char* things[] = {"dog", "cat", "bus", "red square", "tree"};
  std::ofstream pope(dir / "coco_pope_random.json");
  for (int q = 0; q < 11; ++q)
    pope << nlohmann::json{{"question_id", q + 1},
                           {"image", "img" + std::to_string(q % 3) + ".ppm"},
                           {"text", std::string("Is there a ") + things[q % 5] + " in the image?"},
                           {"label", q % 2 ? "yes" : "no"}}
                .dump()
         << "\n";
  return dir / "coco_pope_random.json";
}

std::string recipe(const fs::path& run_dir, const TinyModel& model, const fs::path& pope, int batch) {
  return "[run]\nname = \"eval\"\ndir = \"" + run_dir.string() + "\"\n\n[[stage]]\nname = \"eval\"\nuse = \"stage/evaluate\"\nmodel = \"" +
         model.folder.string() + "\"\n" + model.stage_keys + "batch_size = " + std::to_string(batch) +
         "\nevaluators = [{ use = \"evaluator/pope\", file = [\"" + pope.string() + "\"], images = \"" +
         (pope.parent_path() / "images").string() + "\" }]\n";
}

fs::path write_recipe(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}

std::vector<std::string> lines(const fs::path& file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST(EvaluateStage, RanksAndBatchSizesGiveTheSameAnswersAndAnInterruptedRunResumes) {
  const fs::path dir = fresh_dir("evaluate-stage");
  const TinyModel model = write_tiny_model(dir / "model");
  const fs::path pope = write_pope(dir / "pope");

  const fs::path one = dir / "one", two = dir / "two";
  const auto r1 = run_command({kVlforge, "run", write_recipe(dir, "one.toml", recipe(one, model, pope, 4)).string()});
  ASSERT_EQ(r1.exit_code, 0) << r1.output;
  const auto r2 = run_command({kVlforge, "launch", "--nproc", "2", "--", "run",
                               write_recipe(dir, "two.toml", recipe(two, model, pope, 3)).string()});
  ASSERT_EQ(r2.exit_code, 0) << r2.output;

  const fs::path a = one / "eval" / "pope", b = two / "eval" / "pope";
  EXPECT_EQ(lines(a / "predictions.jsonl").size(), 11u);
  EXPECT_EQ(lines(a / "predictions.jsonl"), lines(b / "predictions.jsonl"));
  EXPECT_EQ(read_text(a / "metrics.json"), read_text(b / "metrics.json"));
  // Rank r answered queries r, r + 2, ...
  EXPECT_EQ(lines(b / "answers.rank-0.jsonl").size(), 6u);
  EXPECT_EQ(lines(b / "answers.rank-1.jsonl").size(), 5u);
  EXPECT_EQ(nlohmann::json::parse(lines(b / "answers.rank-1.jsonl").front()).at("query"), 1);

  const auto results = nlohmann::json::parse(read_text(one / "eval" / "results.json"));
  ASSERT_EQ(results.at("results").size(), 1u);
  EXPECT_EQ(results.at("results")[0].at("benchmark"), "pope");
  EXPECT_EQ(results.at("results")[0].at("samples"), 11);
  const std::string table = read_text(one / "eval" / "results.md");
  EXPECT_NE(table.find("| pope | 11 | f1 |"), std::string::npos) << table;
  EXPECT_NE(r1.output.find("| pope | 11 | f1 |"), std::string::npos) << r1.output;

  // Interrupted after 4 answers and in the middle of a fifth: the rerun answers only the rest.
  const std::vector<std::string> answered = lines(a / "answers.rank-0.jsonl");
  {
    std::ofstream cut(a / "answers.rank-0.jsonl", std::ios::trunc);
    for (int i = 0; i < 4; ++i) cut << answered[static_cast<size_t>(i)] << "\n";
    cut << answered[4].substr(0, 10);
  }
  const std::string expected_metrics = read_text(a / "metrics.json");
  fs::remove(a / "metrics.json");
  fs::remove(a / "predictions.jsonl");
  auto marker = nlohmann::json::parse(read_text(one / "eval" / ".vlforge-stage.json"));
  marker["state"] = "running";
  std::ofstream(one / "eval" / ".vlforge-stage.json") << marker.dump();

  const auto resumed = run_command({kVlforge, "run", (dir / "one.toml").string()});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("pope: 4 of 11 queries answered earlier"), std::string::npos) << resumed.output;
  EXPECT_EQ(lines(a / "answers.rank-0.jsonl").size(), 11u);
  EXPECT_EQ(read_text(a / "metrics.json"), expected_metrics);
}
