// evaluator/mmbench (and mmstar, ai2d) on a small TSV in VLMEvalKit's layout: the prompts, the
// circular rotations, and the metrics of answers written by hand.
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
constexpr const char* kHeader = "index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\tl2-category\timage\tsplit\n";

// Three questions: three options (no hint), two options with a hint (its image shared with row 0
// by index, as MMBench's full files do), four options.
std::string rows(const std::string& third_answer = "D") {
  return std::string(kHeader) + "0\tWhat is shown?\tnan\tcat\tdog\tbird\tnan\tA\tattribute\tcoarse\t" +
         base64_of("img-0") + "\tdev\n" + "1\tWhich color?\tLook closely.\tred\tgreen\tnan\tnan\tB\tcolor\tfine\t0\tdev\n" +
         "2\tHow many?\tnan\tone\ttwo\tthree\tfour\t" + third_answer + "\tattribute\tcoarse\t" + base64_of("img-2") +
         "\tdev\n";
}

fs::path write_mmbench(const fs::path& dir, const std::string& text = rows()) {
  const fs::path file = dir / "MMBench_DEV_EN.tsv";
  write_text(file, text);
  return file;
}

std::string table(const fs::path& file, const std::string& more = "", const std::string& use = "mmbench") {
  return "use = \"evaluator/" + use + "\"\nfile = '" + file.string() + "'\n" + more;
}

TEST(MmbenchEvaluator, AsksEachQuestionWithLlavasPromptAndItsDecodedImage) {
  const auto dir = fresh_dir("mcq_mmbench_queries");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(table(write_mmbench(dir)));
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 3u);
  EXPECT_EQ(queries[0].id, "0");
  EXPECT_EQ(queries[0].prompt.text, std::string("<image>\nWhat is shown?\nA. cat\nB. dog\nC. bird") + kInstruction);
  EXPECT_EQ(queries[1].prompt.text, std::string("<image>\nLook closely.\nWhich color?\nA. red\nB. green") + kInstruction);
  EXPECT_EQ(queries[2].prompt.text,
            std::string("<image>\nHow many?\nA. one\nB. two\nC. three\nD. four") + kInstruction);
  ASSERT_EQ(queries[0].prompt.images.size(), 1u);
  EXPECT_EQ(image_bytes(queries[0].prompt.images[0]), "img-0");
  ASSERT_EQ(queries[1].prompt.images.size(), 1u);
  EXPECT_EQ(image_bytes(queries[1].prompt.images[0]), "img-0");  // shared with index 0
  EXPECT_EQ(image_bytes(queries[2].prompt.images[0]), "img-2");
  EXPECT_TRUE(queries[0].prompt.chat);
  EXPECT_EQ(queries[0].prompt.max_new_tokens, 8);
  EXPECT_TRUE(queries[0].options.empty());
}

TEST(MmbenchEvaluator, ScoresTheLetterReadFromEachAnswerOverallAndPerCategory) {
  const auto dir = fresh_dir("mcq_mmbench_score");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(table(write_mmbench(dir)));
  const auto queries = evaluator->queries(maker.context());
  // Right (letter in a sentence), right (option text "green" = B), wrong (C, answer D).
  const EvalReport report =
      evaluator->score(queries, answers_of({"The answer is A", "green", "C"}), dir / "out", maker.context());
  EXPECT_EQ(report.benchmark, "mmbench");
  EXPECT_EQ(report.samples, 3);
  EXPECT_EQ(metric_names(report), (std::vector<std::string>{"accuracy", "accuracy/attribute", "accuracy/color"}));
  EXPECT_NEAR(metric(report, "accuracy"), 2.0 / 3, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/attribute"), 0.5, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/color"), 1.0, 1e-12);

  const auto lines = read_predictions(dir / "out");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["id"], "0");
  EXPECT_EQ(lines[0]["question"], "What is shown?");
  EXPECT_EQ(lines[0]["options"], nlohmann::json({{"A", "cat"}, {"B", "dog"}, {"C", "bird"}}));
  EXPECT_EQ(lines[0]["prediction"], "The answer is A");
  EXPECT_EQ(lines[0]["extracted"], "A");
  EXPECT_EQ(lines[0]["answer"], "A");
  EXPECT_EQ(lines[0]["correct"], true);
  EXPECT_EQ(lines[0]["category"], "attribute");
  EXPECT_EQ(lines[1]["extracted"], "B");
  EXPECT_EQ(lines[2]["extracted"], "C");
  EXPECT_EQ(lines[2]["correct"], false);
  EXPECT_FALSE(lines[0].contains("rotation"));
}

TEST(MmbenchEvaluator, CircularAsksEveryRotationAndNeedsThemAllRight) {
  const auto dir = fresh_dir("mcq_mmbench_circular");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(table(write_mmbench(dir), "circular = true\n"));
  const auto queries = evaluator->queries(maker.context());
  std::vector<std::string> ids;
  for (const auto& q : queries) ids.push_back(q.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"0", "0#1", "0#2", "1", "1#1", "2", "2#1", "2#2", "2#3"}));
  // Rotation r shows option (i + r) mod n at position i.
  EXPECT_EQ(queries[1].prompt.text, std::string("<image>\nWhat is shown?\nA. dog\nB. bird\nC. cat") + kInstruction);
  EXPECT_EQ(queries[2].prompt.text, std::string("<image>\nWhat is shown?\nA. bird\nB. cat\nC. dog") + kInstruction);
  EXPECT_EQ(queries[4].prompt.text, std::string("<image>\nLook closely.\nWhich color?\nA. green\nB. red") + kInstruction);
  EXPECT_EQ(queries[8].prompt.text,
            std::string("<image>\nHow many?\nA. four\nB. one\nC. two\nD. three") + kInstruction);
  EXPECT_EQ(image_bytes(queries[4].prompt.images[0]), "img-0");

  // Question 0: cat is at A, C, B -> all right. Question 1: green at B, then A; "B" the second
  // time is wrong. Question 2: four at D, C, B, A -> all right.
  const auto answers = answers_of({"A", "C", "B", "B", "B", "D", "C", "B", "A"});
  const EvalReport report = evaluator->score(queries, answers, dir / "out", maker.context());
  EXPECT_EQ(report.samples, 3);
  EXPECT_EQ(metric_names(report),
            (std::vector<std::string>{"accuracy", "accuracy_vanilla", "accuracy/attribute", "accuracy/color"}));
  EXPECT_NEAR(metric(report, "accuracy"), 2.0 / 3, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy_vanilla"), 1.0, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/attribute"), 1.0, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/color"), 0.0, 1e-12);

  const auto lines = read_predictions(dir / "out");
  ASSERT_EQ(lines.size(), 9u);
  EXPECT_EQ(lines[4]["id"], "1#1");
  EXPECT_EQ(lines[4]["rotation"], 1);
  EXPECT_EQ(lines[4]["answer"], "A");
  EXPECT_EQ(lines[4]["options"], nlohmann::json({{"A", "green"}, {"B", "red"}}));
  EXPECT_EQ(lines[4]["correct"], false);
}

TEST(MmbenchEvaluator, CircularScoringNeedsEveryRotationAnswered) {
  const auto dir = fresh_dir("mcq_mmbench_partial");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(table(write_mmbench(dir), "circular = true\n"));
  auto queries = evaluator->queries(maker.context());
  queries.pop_back();
  EXPECT_EQ(error_of([&] {
              evaluator->score(queries, answers_of({"A", "C", "B", "B", "A", "D", "C", "B"}), dir / "out",
                               maker.context());
            }),
            "mmbench: question 2: rotation 3 was not answered (circular scoring needs every rotation)");
}

TEST(MmbenchEvaluator, LikelihoodModeScoresTheLettersAndPicksTheMostLikely) {
  const auto dir = fresh_dir("mcq_mmbench_likelihood");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(table(write_mmbench(dir), "mode = \"likelihood\"\nmax_new_tokens = 1\n"));
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 3u);
  EXPECT_EQ(queries[0].options, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(queries[1].options, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(queries[2].options, (std::vector<std::string>{"A", "B", "C", "D"}));
  EXPECT_EQ(queries[0].prompt.max_new_tokens, 1);
  std::vector<EvalAnswer> answers = {{"", {-1.0, -0.5, -3.0}},  // B: wrong
                                     {"", {-2.0, -0.1}},        // B: right
                                     {"", {-4.0, -3.0, -2.0, -1.0}}};  // D: right
  const EvalReport report = evaluator->score(queries, answers, dir / "out", maker.context());
  EXPECT_NEAR(metric(report, "accuracy"), 2.0 / 3, 1e-12);
  const auto lines = read_predictions(dir / "out");
  EXPECT_EQ(lines[0]["extracted"], "B");
  EXPECT_EQ(lines[0]["option_logprobs"], nlohmann::json({-1.0, -0.5, -3.0}));
  EXPECT_EQ(lines[2]["extracted"], "D");

  answers[1].option_logprobs = {-1.0};
  EXPECT_EQ(error_of([&] { evaluator->score(queries, answers, dir / "bad", maker.context()); }),
            "mmbench: query \"1\": 1 option log-probabilities for 2 options");
}

TEST(MmbenchEvaluator, RowsWithoutAnAnswerAreWrittenButNotScored) {
  const auto dir = fresh_dir("mcq_mmbench_unscored");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(table(write_mmbench(dir, rows("nan"))));
  const auto queries = evaluator->queries(maker.context());
  const EvalReport report = evaluator->score(queries, answers_of({"A", "A", "D"}), dir / "out", maker.context());
  EXPECT_EQ(report.samples, 3);
  EXPECT_EQ(metric_names(report),
            (std::vector<std::string>{"accuracy", "accuracy/attribute", "accuracy/color", "unscored"}));
  EXPECT_NEAR(metric(report, "accuracy"), 0.5, 1e-12);  // A right, A wrong; the third unscored
  EXPECT_NEAR(metric(report, "accuracy/attribute"), 1.0, 1e-12);
  EXPECT_EQ(metric(report, "unscored"), 1.0);
  const auto lines = read_predictions(dir / "out");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[2]["correct"].is_null());
  EXPECT_EQ(lines[2]["extracted"], "D");
  EXPECT_EQ(lines[2]["answer"], "");
}

TEST(MmbenchEvaluator, MmstarAndAi2dReadTheSameLayoutAndLimitCuts) {
  const auto dir = fresh_dir("mcq_mmstar_ai2d");
  const fs::path file = write_mmbench(dir);
  test::ComponentMaker maker;
  auto mmstar = maker.make<Evaluator>(table(file, "limit = 2\n", "mmstar"));
  const auto queries = mmstar->queries(maker.context());
  ASSERT_EQ(queries.size(), 2u);
  const EvalReport report = mmstar->score(queries, answers_of({"B", "B"}), dir / "a", maker.context());
  EXPECT_EQ(report.benchmark, "mmstar");
  EXPECT_NEAR(metric(report, "accuracy"), 0.5, 1e-12);
  auto ai2d = maker.make<Evaluator>(table(file, "", "ai2d"));
  EXPECT_EQ(ai2d->score(ai2d->queries(maker.context()), answers_of({"A", "B", "D"}), dir / "b", maker.context())
                .benchmark,
            "ai2d");
}

TEST(MmbenchEvaluator, MalformedFilesAreErrorsNamingFileAndLine) {
  const auto dir = fresh_dir("mcq_mmbench_errors");
  test::ComponentMaker maker;
  const fs::path file = dir / "bad.tsv";
  auto error = [&](const std::string& text) {
    write_text(file, text);
    return error_of([&] { maker.make<Evaluator>(table(file))->queries(maker.context()); });
  };
  EXPECT_EQ(error(std::string(kHeader) + "0\tQ?\tnan\ta\tb\n"),
            file.string() + ":2: has 5 tab-separated fields, the header has 12");
  EXPECT_EQ(error("index\thint\tA\tB\tanswer\timage\n0\tnan\ta\tb\tA\t" + base64_of("x") + "\n"),
            file.string() + ":1: the header has no column 'question'");
  EXPECT_EQ(error("index\tquestion\tA\tB\tanswer\n0\tQ?\ta\tb\tA\n"),
            file.string() + ":1: the header has no column 'image'");
  EXPECT_EQ(error("index\tquestion\tA\tB\tC\tanswer\timage\n0\tQ?\ta\tb\tc\tA\t" + base64_of("x") +
                  "\n1\tQ?\ta\tb\tc\tE\t" + base64_of("x") + "\n"),
            file.string() + ":3: question 1 has answer 'E', which is not one of its options (A, B, C)");
  EXPECT_EQ(error("index\tquestion\tA\tB\tanswer\timage\n7\tQ?\ta\tb\tA\tnot base64!\n"),
            file.string() + ":2: image: invalid base64: length 11 is not a multiple of 4");
  EXPECT_EQ(error("index\tquestion\tA\tB\tanswer\timage\n7\tQ?\ta\tb\tA\t12\n"),
            file.string() + ":2: the image cell '12' names no row whose index holds an image");
  EXPECT_EQ(error_of([&] { maker.make<Evaluator>(table(dir / "missing.tsv"))->queries(maker.context()); }),
            (dir / "missing.tsv").string() + ": cannot be read (missing file or no permission)");
}

}  // namespace
