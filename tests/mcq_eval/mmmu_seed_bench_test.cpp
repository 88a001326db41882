// evaluator/mmmu (images placed by their <image k> references, open questions) and
// evaluator/seed-bench (the original JSON, video questions skipped) on small files.
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

constexpr const char* kInstruction = "\nAnswer with the option's letter from the given choices directly.";
constexpr const char* kShort = "\nAnswer the question using a single word or phrase.";

fs::path write_mmmu(const fs::path& dir, const std::string& first_question = "Which is older, <image 1> or <image 2>?") {
  const fs::path file = dir / "MMMU_DEV_VAL.tsv";
  const std::string two = "[\"" + base64_of("p1") + "\", \"" + base64_of("p2") + "\"]";
  const std::string header = "index\tquestion\tA\tB\tC\tD\tanswer\tcategory\tquestion_type\timage\tsplit\n";
  // pandas writes the JSON list quoted, its quotes doubled.
  auto quoted = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  write_text(file, header + "validation_Art_1\t" + first_question +
                       "\tthe first\tthe second\tnan\tnan\tB\tArt\tmultiple-choice\t" + quoted(two) + "\tvalidation\n" +
                       "validation_Math_2\tWhat is x in <image 2>? See also <image 1>.\tnan\tnan\tnan\tnan\t3.5\tMath\topen\t" +
                       two + "\tvalidation\n" +
                       "validation_Art_3\tWhat style is this?\tBaroque\tCubism\tnan\tnan\tA\tArt\tmultiple-choice\t" +
                       base64_of("p3") + "\tvalidation\n" +
                       "validation_Geography_4\tName the river.\tnan\tnan\tnan\tnan\t['Nile', 'the Nile river']\t"
                       "Geography\topen\t" + base64_of("p4") + "\tvalidation\n");
  return file;
}

TEST(MmmuEvaluator, PlacesEachImageAtItsReference) {
  const auto dir = fresh_dir("mcq_mmmu_queries");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/mmmu\"\nfile = '" + write_mmmu(dir).string() + "'\n");
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 4u);
  EXPECT_EQ(queries[0].id, "validation_Art_1");
  EXPECT_EQ(queries[0].prompt.text, std::string("Which is older, <image> or <image>?\nA. the first\nB. the second") + kInstruction);
  ASSERT_EQ(queries[0].prompt.images.size(), 2u);
  EXPECT_EQ(image_bytes(queries[0].prompt.images[0]), "p1");
  EXPECT_EQ(image_bytes(queries[0].prompt.images[1]), "p2");
  EXPECT_EQ(queries[1].prompt.text, std::string("What is x in <image>? See also <image>.") + kShort);
  ASSERT_EQ(queries[1].prompt.images.size(), 2u);
  EXPECT_EQ(image_bytes(queries[1].prompt.images[0]), "p2");  // reference order
  EXPECT_EQ(image_bytes(queries[1].prompt.images[1]), "p1");
  EXPECT_EQ(queries[2].prompt.text, std::string("<image>\nWhat style is this?\nA. Baroque\nB. Cubism") + kInstruction);
  EXPECT_EQ(image_bytes(queries[2].prompt.images[0]), "p3");
}

TEST(MmmuEvaluator, ScoresLettersAndOpenAnswers) {
  const auto dir = fresh_dir("mcq_mmmu_score");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/mmmu\"\nfile = '" + write_mmmu(dir).string() +
                                         "'\nmode = \"likelihood\"\n");
  const auto queries = evaluator->queries(maker.context());
  EXPECT_EQ(queries[0].options, (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(queries[1].options.empty());  // open questions are generated
  // B right; 3.50 = 3.5 right; B (Cubism) by log-probability, wrong; "nile" in the answer right.
  const std::vector<EvalAnswer> answers = {
      {"", {-2.0, -1.0}}, {"x = 3.50", {}}, {"", {-2.0, -1.0}}, {"It is the nile.", {}}};
  const EvalReport report = evaluator->score(queries, answers, dir / "out", maker.context());
  EXPECT_EQ(report.benchmark, "mmmu");
  EXPECT_EQ(report.samples, 4);
  EXPECT_EQ(metric_names(report),
            (std::vector<std::string>{"accuracy", "accuracy/Art", "accuracy/Geography", "accuracy/Math"}));
  EXPECT_NEAR(metric(report, "accuracy"), 0.75, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/Art"), 0.5, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/Math"), 1.0, 1e-12);
  const auto lines = read_predictions(dir / "out");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[1]["extracted"], "x = 3.50");
  EXPECT_EQ(lines[1]["options"], nlohmann::json::object());
  EXPECT_EQ(lines[1]["correct"], true);
  EXPECT_EQ(lines[3]["answer"], "['Nile', 'the Nile river']");
  EXPECT_EQ(lines[3]["correct"], true);

  const std::vector<EvalAnswer> others = {{"", {-1.0, -2.0}}, {"3.6", {}}, {"", {-1.0, -2.0}}, {"the Amazon", {}}};
  const EvalReport wrong = evaluator->score(queries, others, dir / "b", maker.context());
  EXPECT_NEAR(metric(wrong, "accuracy"), 0.25, 1e-12);  // only Baroque
}

TEST(MmmuEvaluator, AReferenceToAMissingImageIsAnError) {
  const auto dir = fresh_dir("mcq_mmmu_bad_reference");
  const fs::path file = write_mmmu(dir, "Compare <image 1> and <image 3>.");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/mmmu\"\nfile = '" + file.string() + "'\n");
  EXPECT_EQ(error_of([&] { evaluator->queries(maker.context()); }),
            file.string() + ":2: the text refers to <image 3> but the question has 2 image(s)");
}

TEST(SeedBenchEvaluator, AsksTheImageQuestionsAndScoresPerQuestionType) {
  const auto dir = fresh_dir("mcq_seed_bench");
  const fs::path file = dir / "SEED-Bench.json";
  write_text(file, R"({"question_type": {"Scene Understanding": 1, "Instance Identity": 2},
    "questions": [
      {"answer": "A", "choice_a": "a park", "choice_b": "a street", "choice_c": "a room", "choice_d": "a beach",
       "data_id": "1454426_2591111986.jpg", "data_type": "image", "question": "Where is this?",
       "question_id": "101669", "question_type_id": 1},
      {"answer": "C", "choice_a": "walking", "choice_b": "running", "choice_c": "jumping", "choice_d": "sitting",
       "data_id": "v_123.mp4", "data_type": "video", "question": "What happens?", "question_id": "v1",
       "question_type_id": 1},
      {"answer": "D", "choice_a": "1", "choice_b": "2", "choice_c": "3", "choice_d": "a dog",
       "data_id": "img_2.jpg", "data_type": "image", "question": "What is it?", "question_id": 7,
       "question_type_id": 2}]})");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/seed-bench\"\nfile = '" + file.string() + "'\nimages = '" +
                                         (dir / "SEED-Bench-image").string() + "'\n");
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_EQ(queries[0].id, "101669");
  EXPECT_EQ(queries[1].id, "7");
  EXPECT_EQ(queries[0].prompt.text,
            std::string("<image>\nWhere is this?\nA. a park\nB. a street\nC. a room\nD. a beach") + kInstruction);
  ASSERT_EQ(queries[0].prompt.images.size(), 1u);
  EXPECT_EQ(queries[0].prompt.images[0].file, dir / "SEED-Bench-image" / "1454426_2591111986.jpg");
  const EvalReport report = evaluator->score(queries, answers_of({"A", "B"}), dir / "out", maker.context());
  EXPECT_EQ(report.benchmark, "seed-bench");
  EXPECT_EQ(metric_names(report),
            (std::vector<std::string>{"accuracy", "accuracy/Instance Identity", "accuracy/Scene Understanding"}));
  EXPECT_NEAR(metric(report, "accuracy"), 0.5, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/Instance Identity"), 0.0, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/Scene Understanding"), 1.0, 1e-12);
  EXPECT_EQ(read_predictions(dir / "out")[1]["category"], "Instance Identity");

  write_text(file, R"({"question_type": {"Scene Understanding": 1}, "questions": [{"data_type": "image"}]})");
  auto broken = maker.make<Evaluator>("use = \"evaluator/seed-bench\"\nfile = '" + file.string() + "'\nimages = '" +
                                      (dir / "SEED-Bench-image").string() + "'\n");
  EXPECT_EQ(error_of([&] { broken->queries(maker.context()); }), file.string() + ": questions[0] has no key 'question_id'");
}

}  // namespace
