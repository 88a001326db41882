// evaluator/few-shot-vqa on a small TextVQA file: which demonstrations each seed draws, the raw
// prompt they make, and the per-seed and mean accuracy of answers written by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
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

// Six questions, ids 100..105, "question i" about image "img<i>"; the most common answer of
// question i is "ans<i>" (question 5 ties "ans5" with "x", 4 each: the first to appear wins).
fs::path write_textvqa(const fs::path& dir, const std::string& name = "TextVQA_0.5.1_val.json",
                       const std::string& question_prefix = "question ", int first_id = 100) {
  std::string data;
  for (int i = 0; i < 6; ++i) {
    const std::string answers = i == 5 ? answer_strings_json({{"ans5", 4}, {"x", 4}, {"y", 2}})
                                       : answer_strings_json({{"ans" + std::to_string(i), 6}, {"other", 4}});
    data += std::string(i ? "," : "") + R"({"question": ")" + question_prefix + std::to_string(i) +
            R"(", "image_id": "img)" + std::to_string(i) + R"(", "answers": )" + answers +
            R"(, "question_id": )" + std::to_string(first_id + i) + "}";
  }
  const fs::path file = dir / name;
  write_text(file, R"({"dataset_name": "textvqa", "dataset_version": "0.5.1", "data": [)" + data + "]}");
  touch_images(dir / "images", {"img0.jpg", "img1.jpg", "img2.jpg", "img3.jpg", "img4.jpg", "img5.jpg"});
  return file;
}

std::string table(const fs::path& file, const fs::path& images, const std::string& extra) {
  return "use = \"evaluator/few-shot-vqa\"\nformat = \"textvqa\"\nfile = '" + file.string() + "'\nimages = '" +
         images.string() + "'\n" + extra;
}

std::string expected_prompt(const std::vector<int>& demonstrations, int query) {
  std::string text;
  for (const int d : demonstrations)
    text += "<image>Question: question " + std::to_string(d) + " Short answer: ans" + std::to_string(d) + "\n";
  return text + "<image>Question: question " + std::to_string(query) + " Short answer:";
}

TEST(FewShotVqaEvaluator, EachSeedDrawsItsDocumentedDemonstrations) {
  const auto dir = fresh_dir("vqa_eval_few_shot_prompts");
  const fs::path file = write_textvqa(dir);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(table(file, dir / "images", "shots = 2\nseeds = [0, 1]\nlimit = 3\n"));
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 6u);  // 3 questions x 2 seeds
  EXPECT_EQ(queries[0].id, "seed0/100");
  EXPECT_EQ(queries[2].id, "seed0/102");
  EXPECT_EQ(queries[3].id, "seed1/100");

  // std::mt19937_64 seeded with 0 over the 6 support questions (the file itself), each query
  // excluding itself, draws {5, 1}, {0, 4}, {1, 0}; seeded with 1: {2, 3}, {2, 3}, {4, 5}
  // (the sequence demonstration_sampler_test.cpp checks against an independent implementation).
  EXPECT_EQ(queries[0].prompt.text,
            "<image>Question: question 5 Short answer: ans5\n"
            "<image>Question: question 1 Short answer: ans1\n"
            "<image>Question: question 0 Short answer:");
  const std::vector<std::vector<int>> drawn = {{5, 1}, {0, 4}, {1, 0}, {2, 3}, {2, 3}, {4, 5}};
  for (size_t i = 0; i < queries.size(); ++i) {
    const int q = static_cast<int>(i % 3);
    const EvalPrompt& p = queries[i].prompt;
    EXPECT_EQ(p.text, expected_prompt(drawn[i], q)) << queries[i].id;
    ASSERT_EQ(p.images.size(), 3u) << queries[i].id;  // k demonstrations + the question
    EXPECT_EQ(p.images[0].file, dir / "images" / ("img" + std::to_string(drawn[i][0]) + ".jpg"));
    EXPECT_EQ(p.images[1].file, dir / "images" / ("img" + std::to_string(drawn[i][1]) + ".jpg"));
    EXPECT_EQ(p.images[2].file, dir / "images" / ("img" + std::to_string(q) + ".jpg"));
    EXPECT_FALSE(p.chat);
    EXPECT_EQ(p.stop_strings, std::vector<std::string>{"\n"});
    EXPECT_EQ(p.max_new_tokens, 16);
  }

  // The same configuration draws the same demonstrations again.
  auto again = maker.make<Evaluator>(table(file, dir / "images", "shots = 2\nseeds = [0, 1]\nlimit = 3\n"));
  const auto repeated = again->queries(maker.context());
  ASSERT_EQ(repeated.size(), queries.size());
  for (size_t i = 0; i < queries.size(); ++i) EXPECT_EQ(repeated[i].prompt.text, queries[i].prompt.text);
}

TEST(FewShotVqaEvaluator, NeverShowsAQuestionItsOwnAnswer) {
  // With 5 shots from 6 questions every other question must be drawn, and the question never.
  const auto dir = fresh_dir("vqa_eval_few_shot_exclusion");
  const fs::path file = write_textvqa(dir);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(table(file, dir / "images", "shots = 5\nseeds = [3, 9]\n"));
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 12u);
  for (size_t i = 0; i < queries.size(); ++i) {
    const int q = static_cast<int>(i % 6);
    const EvalPrompt& p = queries[i].prompt;
    ASSERT_EQ(p.images.size(), 6u);
    std::set<std::string> shown;
    for (size_t d = 0; d < 5; ++d) shown.insert(p.images[d].file.filename().string());
    std::set<std::string> others;
    for (int o = 0; o < 6; ++o)
      if (o != q) others.insert("img" + std::to_string(o) + ".jpg");
    EXPECT_EQ(shown, others) << queries[i].id;
    EXPECT_EQ(p.text.find("Question: question " + std::to_string(q) + " Short answer: "), std::string::npos)
        << queries[i].id;
  }
}

TEST(FewShotVqaEvaluator, ReportsTheMeanAndSpreadOverSeeds) {
  const auto dir = fresh_dir("vqa_eval_few_shot_score");
  const fs::path file = write_textvqa(dir);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(table(file, dir / "images", "shots = 2\nseeds = [0, 1]\nlimit = 3\n"));
  const auto queries = evaluator->queries(maker.context());
  // A right answer ("ans<i>", given by 6 of 10) scores 1, a wrong one 0. Seed 0: 2 of 3 right;
  // seed 1: 1 of 3. Mean (2/3 + 1/3) / 2 = 1/2; population standard deviation
  // sqrt(((2/3 - 1/2)^2 + (1/3 - 1/2)^2) / 2) = 1/6.
  const auto answers = answers_of({" ans0", "wrong", "Ans2.", "ans0", "nope", "nope"});
  const EvalReport report = evaluator->score(queries, answers, dir / "out", maker.context());
  EXPECT_EQ(report.benchmark, "textvqa-2shot");
  EXPECT_EQ(report.samples, 6);
  EXPECT_EQ(metric_names(report),
            (std::vector<std::string>{"accuracy", "accuracy/std", "accuracy/seed0", "accuracy/seed1"}));
  EXPECT_NEAR(metric(report, "accuracy"), 0.5, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/std"), 1.0 / 6, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/seed0"), 2.0 / 3, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/seed1"), 1.0 / 3, 1e-12);

  const auto lines = read_predictions(dir / "out");
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[2]["question_id"], 102);
  EXPECT_EQ(lines[2]["normalised"], "ans2");
  EXPECT_EQ(lines[2]["score"], 1.0);
  EXPECT_EQ(lines[2]["seed"], 0);
  EXPECT_EQ(lines[3]["seed"], 1);
}

TEST(FewShotVqaEvaluator, DrawsFromASeparateSupportSetExcludingTheSameQuestion) {
  const auto dir = fresh_dir("vqa_eval_few_shot_support");
  const fs::path file = write_textvqa(dir);
  // A support set of 3: id 100 is also the first evaluated question.
  const fs::path support = dir / "TextVQA_0.5.1_train.json";
  write_text(support, R"({"data": [
      {"question": "support a", "image_id": "s0", "answers": ["sa"], "question_id": 100},
      {"question": "support b", "image_id": "s1", "answers": ["sb"], "question_id": 200},
      {"question": "support c", "image_id": "s2", "answers": ["sc"], "question_id": 201}]})");
  touch_images(dir / "train_images", {"s0.jpg", "s1.jpg", "s2.jpg"});
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(
      table(file, dir / "images",
            "shots = 2\nseeds = [5]\nlimit = 2\nsupport_file = '" + support.string() + "'\nsupport_images = '" +
                (dir / "train_images").string() + "'\n"));
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 2u);
  // Question 100 cannot see support question 100: its demonstrations are the other two.
  const EvalPrompt& first = queries[0].prompt;
  std::set<fs::path> shown = {first.images[0].file, first.images[1].file};
  EXPECT_EQ(shown, (std::set<fs::path>{dir / "train_images" / "s1.jpg", dir / "train_images" / "s2.jpg"}));
  EXPECT_NE(first.text.find("Question: support b Short answer: sb\n"), std::string::npos);
  EXPECT_NE(first.text.find("Question: support c Short answer: sc\n"), std::string::npos);
  EXPECT_EQ(first.images[2].file, dir / "images" / "img0.jpg");
  // Question 101 is not in the support set: any 2 of the 3.
  for (size_t d = 0; d < 2; ++d) EXPECT_EQ(queries[1].prompt.images[d].file.parent_path(), dir / "train_images");

  auto too_few = maker.make<Evaluator>(table(file, dir / "images",
                                             "shots = 3\nsupport_file = '" + support.string() +
                                                 "'\nsupport_images = '" + (dir / "train_images").string() + "'\n"));
  EXPECT_EQ(error_of([&] { too_few->queries(maker.context()); }),
            "evaluator/few-shot-vqa: the support set has 2 questions besides question 100, fewer than shots = 3");
}

TEST(FewShotVqaEvaluator, ZeroShotsAskEachQuestionOnce) {
  const auto dir = fresh_dir("vqa_eval_zero_shot");
  const fs::path file = write_textvqa(dir);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(table(file, dir / "images", "shots = 0\nlimit = 2\n"));
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 2u);  // the seeds play no part
  EXPECT_EQ(queries[0].id, "100");
  EXPECT_EQ(queries[0].prompt.text, "<image>Question: question 0 Short answer:");
  ASSERT_EQ(queries[0].prompt.images.size(), 1u);
  EXPECT_FALSE(queries[0].prompt.chat);
  const EvalReport report = evaluator->score(queries, answers_of({"ans0", "no"}), dir / "out", maker.context());
  EXPECT_EQ(report.benchmark, "textvqa-0shot");
  EXPECT_EQ(metric_names(report), std::vector<std::string>{"accuracy"});
  EXPECT_NEAR(metric(report, "accuracy"), 0.5, 1e-12);
}

TEST(FewShotVqaEvaluator, GqaDemonstrationsUseItsAnswerAndScoreExactMatch) {
  const auto dir = fresh_dir("vqa_eval_few_shot_gqa");
  const fs::path file = dir / "testdev_balanced_questions.json";
  write_text(file, R"({
    "7": {"question": "Is it sunny?", "imageId": "n7", "answer": "yes", "types": {"structural": "verify", "semantic": "attr"}},
    "8": {"question": "What is on the table?", "imageId": "n8", "answer": "cup", "types": {"structural": "query", "semantic": "rel"}}})");
  touch_images(dir / "images", {"n7.jpg", "n8.jpg"});
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/few-shot-vqa\"\nformat = \"gqa\"\nfile = '" +
                                         file.string() + "'\nimages = '" + (dir / "images").string() +
                                         "'\nshots = 1\nseeds = [4]\n");
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 2u);
  // One other question exists for each: the demonstrations are forced.
  EXPECT_EQ(queries[0].prompt.text,
            "<image>Question: What is on the table? Short answer: cup\n<image>Question: Is it sunny? Short answer:");
  EXPECT_EQ(queries[1].prompt.text,
            "<image>Question: Is it sunny? Short answer: yes\n<image>Question: What is on the table? Short answer:");
  const EvalReport report = evaluator->score(queries, answers_of({" Yes", " a cup of tea"}), dir / "out", maker.context());
  EXPECT_EQ(report.benchmark, "gqa-1shot");
  EXPECT_NEAR(metric(report, "accuracy"), 0.5, 1e-12);  // "yes" matches; "cup of tea" is not "cup"
  EXPECT_NEAR(metric(report, "accuracy/seed4"), 0.5, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/std"), 0.0, 1e-12);
}

TEST(FewShotVqaEvaluator, RepeatedSeedsAreAnError) {
  const auto dir = fresh_dir("vqa_eval_few_shot_seeds");
  const fs::path file = write_textvqa(dir);
  test::ComponentMaker maker;
  EXPECT_NE(error_of([&] { maker.make<Evaluator>(table(file, dir / "images", "seeds = [1, 2, 1]\n")); })
                .find("seed 1 is listed twice in seeds"),
            std::string::npos);
}

}  // namespace
