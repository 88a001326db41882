// evaluator/pope on small coco_pope_*.json files: LLaVA's yes/no reading of answers and the
// counts, per file and averaged, worked out here by hand.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "component_factory.hpp"
#include "error_text.hpp"
#include "test_paths.hpp"
#include "vlforge/interfaces/evaluator.hpp"
#include "vqa_test_files.hpp"

namespace fs = std::filesystem;
using namespace vlforge;
using namespace vlforge::vqa_eval::test;
using vlforge::test::error_of;
using vlforge::test::fresh_dir;
using vlforge::test::write_text;

namespace {

struct PopeFiles {
  fs::path random, adversarial, images;
};

PopeFiles write_pope(const fs::path& dir) {
  PopeFiles f{dir / "coco_pope_random.json", dir / "coco_pope_adversarial.json", dir / "val2014"};
  write_text(f.random,
             R"({"question_id": 1, "image": "COCO_val2014_000000310196.jpg", "text": "Is there a dog in the image?", "label": "yes"}
{"question_id": 2, "image": "COCO_val2014_000000310196.jpg", "text": "Is there a person in the image?", "label": "yes"}
{"question_id": 3, "image": "COCO_val2014_000000210789.jpg", "text": "Is there a bench in the image?", "label": "yes"}

{"question_id": 4, "image": "COCO_val2014_000000210789.jpg", "text": "Is there a cat in the image?", "label": "no"}
{"question_id": 5, "image": "COCO_val2014_000000210789.jpg", "text": "Is there a bus in the image?", "label": "no"}
{"question_id": 6, "image": "COCO_val2014_000000310196.jpg", "text": "Is there a kite in the image?", "label": "no"}
)");
  write_text(f.adversarial,
             R"({"question_id": 1, "image": "COCO_val2014_000000310196.jpg", "text": "Is there a dog in the image?", "label": "yes"}
{"question_id": 2, "image": "COCO_val2014_000000310196.jpg", "text": "Is there a frisbee in the image?", "label": "no"}
)");
  touch_images(f.images, {"COCO_val2014_000000310196.jpg", "COCO_val2014_000000210789.jpg"});
  return f;
}

// random: 6 answers, read as eval_pope.py reads them.
const std::vector<std::string> kRandomAnswers = {
    "Yes, there is a dog in the image.",  // label yes, no "no"/"not" word -> yes: TP
    "Yes. No other people are visible.",  // only the first sentence counts -> yes: TP
    "No, there is no bench.",             // "No" -> no, label yes: FN
    "yes",                                // label no: FP
    "There is not a bus in the image.",   // "not" -> no, label no: TN
    "Nope.",                              // "Nope" is none of No / no / not -> yes, label no: FP
};

TEST(PopeEvaluator, CountsPerFileAndAveragesTheFiles) {
  const auto dir = fresh_dir("vqa_eval_pope");
  const PopeFiles f = write_pope(dir);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/pope\"\nfile = ['" + f.random.string() + "', '" +
                                         f.adversarial.string() + "']\nimages = '" + f.images.string() + "'\n");
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 8u);
  EXPECT_EQ(queries[0].id, "random/1");
  EXPECT_EQ(queries[6].id, "adversarial/1");
  EXPECT_EQ(queries[0].prompt.text,
            "<image>\nIs there a dog in the image?\nAnswer the question using a single word or phrase.");
  EXPECT_EQ(queries[2].prompt.images[0].file, f.images / "COCO_val2014_000000210789.jpg");
  EXPECT_TRUE(queries[0].prompt.chat);

  std::vector<std::string> texts = kRandomAnswers;
  texts.push_back("Yes");  // adversarial 1, label yes: TP
  texts.push_back("no");   // adversarial 2, label no: TN
  const EvalReport report = evaluator->score(queries, answers_of(texts), dir / "out", maker.context());

  // random: TP 2, FP 2, TN 1, FN 1. precision 2/4, recall 2/3, F1 2 * 1/2 * 2/3 / (1/2 + 2/3) =
  // 4/7, accuracy (2 + 1) / 6, yes ratio (2 + 2) / 6.
  const double r_precision = 0.5, r_recall = 2.0 / 3, r_f1 = 4.0 / 7, r_accuracy = 0.5, r_yes = 4.0 / 6;
  // adversarial: TP 1, TN 1: precision, recall, F1 and accuracy 1; yes ratio 1/2.
  EXPECT_EQ(report.benchmark, "pope");
  EXPECT_EQ(report.samples, 8);
  EXPECT_EQ(metric_names(report),
            (std::vector<std::string>{"f1", "accuracy", "precision", "recall", "yes_ratio", "random/f1",
                                      "random/accuracy", "random/precision", "random/recall", "random/yes_ratio",
                                      "adversarial/f1", "adversarial/accuracy", "adversarial/precision",
                                      "adversarial/recall", "adversarial/yes_ratio"}));
  EXPECT_NEAR(metric(report, "random/precision"), r_precision, 1e-12);
  EXPECT_NEAR(metric(report, "random/recall"), r_recall, 1e-12);
  EXPECT_NEAR(metric(report, "random/f1"), r_f1, 1e-12);
  EXPECT_NEAR(metric(report, "random/accuracy"), r_accuracy, 1e-12);
  EXPECT_NEAR(metric(report, "random/yes_ratio"), r_yes, 1e-12);
  EXPECT_NEAR(metric(report, "adversarial/f1"), 1.0, 1e-12);
  EXPECT_NEAR(metric(report, "adversarial/yes_ratio"), 0.5, 1e-12);
  EXPECT_NEAR(metric(report, "f1"), (r_f1 + 1.0) / 2, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy"), (r_accuracy + 1.0) / 2, 1e-12);
  EXPECT_NEAR(metric(report, "precision"), (r_precision + 1.0) / 2, 1e-12);
  EXPECT_NEAR(metric(report, "recall"), (r_recall + 1.0) / 2, 1e-12);
  EXPECT_NEAR(metric(report, "yes_ratio"), (r_yes + 0.5) / 2, 1e-12);

  const auto lines = read_predictions(dir / "out");
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[1]["question_id"], 2);
  EXPECT_EQ(lines[1]["prediction"], "Yes. No other people are visible.");
  EXPECT_EQ(lines[1]["normalised"], "yes");
  EXPECT_EQ(lines[1]["answers"], nlohmann::json::array({"yes"}));
  EXPECT_EQ(lines[1]["score"], 1.0);
  EXPECT_EQ(lines[5]["normalised"], "yes");
  EXPECT_EQ(lines[5]["score"], 0.0);
  EXPECT_EQ(lines[6]["category"], "adversarial");
}

TEST(PopeEvaluator, OneFileReportsItsOwnMetrics) {
  const auto dir = fresh_dir("vqa_eval_pope_one");
  const PopeFiles f = write_pope(dir);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/pope\"\nfile = ['" + f.random.string() + "']\nimages = '" +
                                         f.images.string() + "'\nlimit = 4\n");
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 4u);
  // The first 4 of kRandomAnswers: TP 2, FN 1, FP 1: precision 2/3, recall 2/3, F1 2/3,
  // accuracy 2/4, yes ratio 3/4.
  const EvalReport report = evaluator->score(
      queries, answers_of({kRandomAnswers.begin(), kRandomAnswers.begin() + 4}), dir / "out", maker.context());
  EXPECT_EQ(metric_names(report), (std::vector<std::string>{"f1", "accuracy", "precision", "recall", "yes_ratio"}));
  EXPECT_NEAR(metric(report, "f1"), 2.0 / 3, 1e-12);
  EXPECT_NEAR(metric(report, "precision"), 2.0 / 3, 1e-12);
  EXPECT_NEAR(metric(report, "recall"), 2.0 / 3, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy"), 0.5, 1e-12);
  EXPECT_NEAR(metric(report, "yes_ratio"), 0.75, 1e-12);
}

TEST(PopeEvaluator, ABadLabelOrLineIsAnErrorNamingTheFile) {
  const auto dir = fresh_dir("vqa_eval_pope_bad");
  const PopeFiles f = write_pope(dir);
  write_text(f.random, R"({"question_id": 1, "image": "a.jpg", "text": "Is there a dog?", "label": "yes"}
{"question_id": 2, "image": "a.jpg", "text": "Is there a cat?", "label": "maybe"}
)");
  test::ComponentMaker maker;
  const std::string table = "use = \"evaluator/pope\"\nfile = ['" + f.random.string() + "']\nimages = '" +
                            f.images.string() + "'\n";
  auto evaluator = maker.make<Evaluator>(table);
  EXPECT_EQ(error_of([&] { evaluator->queries(maker.context()); }),
            f.random.string() + ": question 2 has label \"maybe\" (expected \"yes\" or \"no\")");

  write_text(f.random, "{\"question_id\": 1, \"image\": \"a.jpg\"\n");
  auto broken = maker.make<Evaluator>(table);
  const std::string error = error_of([&] { broken->queries(maker.context()); });
  EXPECT_EQ(error.rfind(f.random.string() + ":1: not valid JSON", 0), 0u) << error;

  EXPECT_NE(error_of([&] {
              maker.make<Evaluator>("use = \"evaluator/pope\"\nfile = []\nimages = '" + f.images.string() + "'\n");
            }).find("file is empty: name one question file or several"),
            std::string::npos);
}

}  // namespace
