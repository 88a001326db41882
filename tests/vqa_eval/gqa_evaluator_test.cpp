// evaluator/gqa on a small testdev_balanced_questions.json: questions in file order, exact match
// after VQA normalisation, accuracy per structural and semantic type.
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

// Three questions whose ids are not in sorted order, with the fields the real file has.
fs::path write_gqa(const fs::path& dir) {
  const fs::path file = dir / "testdev_balanced_questions.json";
  write_text(file, R"json({
    "201307251": {"semantic": [{"operation": "select", "dependencies": [], "argument": "woman (0)"}],
      "entailed": [], "equivalent": ["201307251"], "question": "Is the woman to the left or to the right of the man?",
      "imageId": "n161313", "isBalanced": true, "groups": {"global": null, "local": "10c-woman_man"},
      "answer": "left", "semanticStr": "select: woman ...", "annotations": {"answer": {}, "question": {},
      "fullAnswer": {}}, "types": {"detailed": "relS", "semantic": "rel", "structural": "choose"},
      "fullAnswer": "The woman is to the left of the man."},
    "20968379": {"question": "Is the sky cloudy?", "imageId": "n235859", "answer": "no", "isBalanced": true,
      "types": {"detailed": "verifyAttr", "semantic": "attr", "structural": "verify"}, "fullAnswer": "No."},
    "201640614": {"question": "What is the piece of furniture called?", "imageId": "n161313", "answer": "table",
      "types": {"detailed": "categoryThat", "semantic": "obj", "structural": "query"}, "fullAnswer": "It is a table."}
  })json");
  touch_images(dir / "images", {"n161313.jpg", "n235859.jpg"});
  return file;
}

TEST(GqaEvaluator, AsksInFileOrderAndScoresExactMatchPerType) {
  const auto dir = fresh_dir("vqa_eval_gqa");
  const fs::path file = write_gqa(dir);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/gqa\"\nfile = '" + file.string() + "'\nimages = '" +
                                         (dir / "images").string() + "'\n");
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 3u);
  EXPECT_EQ(queries[0].id, "201307251");
  EXPECT_EQ(queries[1].id, "20968379");
  EXPECT_EQ(queries[2].id, "201640614");
  EXPECT_EQ(queries[1].prompt.text,
            "<image>\nIs the sky cloudy?\nAnswer the question using a single word or phrase.");
  EXPECT_EQ(queries[1].prompt.images[0].file, dir / "images" / "n235859.jpg");

  // "Left." -> "left" = "left": 1. "Yes" -> "yes" != "no": 0. "A table" -> "table": 1.
  const EvalReport report =
      evaluator->score(queries, answers_of({"Left.", "Yes", "A table"}), dir / "out", maker.context());
  EXPECT_EQ(report.benchmark, "gqa");
  EXPECT_EQ(report.samples, 3);
  EXPECT_EQ(metric_names(report),
            (std::vector<std::string>{"accuracy", "accuracy/choose", "accuracy/query", "accuracy/verify",
                                      "accuracy/semantic/attr", "accuracy/semantic/obj", "accuracy/semantic/rel"}));
  EXPECT_NEAR(metric(report, "accuracy"), 2.0 / 3, 1e-12);
  EXPECT_EQ(metric(report, "accuracy/choose"), 1.0);
  EXPECT_EQ(metric(report, "accuracy/verify"), 0.0);
  EXPECT_EQ(metric(report, "accuracy/query"), 1.0);
  EXPECT_EQ(metric(report, "accuracy/semantic/attr"), 0.0);

  const auto lines = read_predictions(dir / "out");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["question_id"], "201640614");
  EXPECT_EQ(lines[2]["normalised"], "table");
  EXPECT_EQ(lines[2]["answers"], nlohmann::json::array({"table"}));
  EXPECT_EQ(lines[2]["score"], 1.0);
  EXPECT_EQ(lines[2]["structural"], "query");
  EXPECT_EQ(lines[2]["semantic"], "obj");
}

TEST(GqaEvaluator, AQuestionWithoutTypesIsAnErrorNamingIt) {
  const auto dir = fresh_dir("vqa_eval_gqa_bad");
  const fs::path file = dir / "testdev_balanced_questions.json";
  write_text(file, R"({"1": {"question": "q?", "imageId": "n1", "answer": "a"}})");
  touch_images(dir / "images", {"n1.jpg"});
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/gqa\"\nfile = '" + file.string() + "'\nimages = '" +
                                         (dir / "images").string() + "'\n");
  EXPECT_EQ(error_of([&] { evaluator->queries(maker.context()); }),
            file.string() + ": question \"1\" has no key 'types'");
}

}  // namespace
