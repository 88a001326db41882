// evaluator/mathvista on a small testmini.json: prompts, extraction by type, per-task accuracy.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "component_factory.hpp"
#include "error_text.hpp"
#include "mcq_test_files.hpp"
#include "test_paths.hpp"
#include "vlforge/interfaces/evaluator.hpp"

namespace fs = std::filesystem;
using namespace vlforge;
using namespace vlforge::mcq_eval::test;
using vlforge::test::error_of;
using vlforge::test::fresh_dir;
using vlforge::test::write_text;

namespace {

constexpr const char* kProblems = R"({
  "1": {"question": "Which number is largest?", "image": "images/1.jpg", "choices": ["3", "5", "7"],
        "unit": null, "precision": null, "answer": "7", "question_type": "multi_choice", "answer_type": "text",
        "pid": "1", "metadata": {"category": "math-targeted-vqa", "task": "figure question answering"},
        "query": "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\nQuestion: Which number is largest?\nChoices:\n(A) 3\n(B) 5\n(C) 7"},
  "2": {"question": "How many apples?", "image": "images/2.png", "choices": null, "unit": null, "precision": null,
        "answer": "14", "question_type": "free_form", "answer_type": "integer", "pid": "2",
        "metadata": {"category": "math-targeted-vqa", "task": "math word problem"},
        "query": "Hint: Please answer the question requiring an integer answer.\nQuestion: How many apples?"},
  "3": {"question": "How long is the bar?", "image": "images/3.jpg", "choices": null, "unit": "cm",
        "precision": 1.0, "answer": "2.5", "question_type": "free_form", "answer_type": "float", "pid": "3",
        "metadata": {"category": "general-vqa", "task": "math word problem"},
        "query": "Hint: Please answer the question requiring a floating-point number with one decimal place.\nQuestion: How long is the bar?"}
})";

TEST(MathVistaEvaluator, AsksEachQueryWithItsImageAndScoresPerTask) {
  const auto dir = fresh_dir("mcq_mathvista");
  const fs::path file = dir / "testmini.json";
  write_text(file, kProblems);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/mathvista\"\nfile = '" + file.string() + "'\n");
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 3u);
  EXPECT_EQ(queries[1].id, "2");
  EXPECT_EQ(queries[1].prompt.text,
            "<image>\nHint: Please answer the question requiring an integer answer.\nQuestion: How many apples?");
  ASSERT_EQ(queries[1].prompt.images.size(), 1u);
  EXPECT_EQ(queries[1].prompt.images[0].file, dir / "images" / "2.png");  // relative to the file's folder
  EXPECT_EQ(queries[0].prompt.max_new_tokens, 512);

  // (C) -> "7": right; 15 is not 14: wrong; 2.46 cm -> 2.5: right.
  const EvalReport report = evaluator->score(
      queries, answers_of({"The largest is (C).", "I count 15.", "It is about 2.46 cm."}), dir / "out", maker.context());
  EXPECT_EQ(report.benchmark, "mathvista");
  EXPECT_EQ(report.samples, 3);
  EXPECT_EQ(metric_names(report),
            (std::vector<std::string>{"accuracy", "accuracy/figure question answering", "accuracy/math word problem"}));
  EXPECT_NEAR(metric(report, "accuracy"), 2.0 / 3, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/figure question answering"), 1.0, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/math word problem"), 0.5, 1e-12);

  const auto lines = read_predictions(dir / "out");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["id"], "1");
  EXPECT_EQ(lines[0]["options"], nlohmann::json({"3", "5", "7"}));
  EXPECT_EQ(lines[0]["extracted"], "7");
  EXPECT_EQ(lines[0]["correct"], true);
  EXPECT_EQ(lines[0]["category"], "figure question answering");
  EXPECT_TRUE(lines[1]["options"].is_null());
  EXPECT_EQ(lines[1]["extracted"], "15");
  EXPECT_EQ(lines[1]["correct"], false);
  EXPECT_EQ(lines[2]["extracted"], "2.5");
  EXPECT_EQ(lines[2]["unit"], "cm");
}

TEST(MathVistaEvaluator, ReadsAListWithAnImageFolderAndNamesBadEntries) {
  const auto dir = fresh_dir("mcq_mathvista_list");
  const fs::path file = dir / "testmini_list.json";
  write_text(file, R"([{"question": "Q", "image": "images/9.jpg", "choices": null, "answer": "[1, 2]",
    "question_type": "free_form", "answer_type": "list", "pid": "9", "query": "Q", "metadata": {"task": "textbook question answering"}}])");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/mathvista\"\nfile = '" + file.string() + "'\nimages = '" +
                                         (dir / "root").string() + "'\nmax_new_tokens = 64\n");
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(queries[0].prompt.images[0].file, dir / "root" / "images" / "9.jpg");
  EXPECT_EQ(queries[0].prompt.max_new_tokens, 64);
  const EvalReport report = evaluator->score(queries, answers_of({"So the answer is [1, 2]."}), dir / "out", maker.context());
  EXPECT_NEAR(metric(report, "accuracy/textbook question answering"), 1.0, 1e-12);

  write_text(file, R"([{"pid": "9", "question": "Q"}])");
  auto broken = maker.make<Evaluator>("use = \"evaluator/mathvista\"\nfile = '" + file.string() + "'\n");
  EXPECT_EQ(error_of([&] { broken->queries(maker.context()); }), file.string() + ": [0] has no key 'query'");
}

}  // namespace
