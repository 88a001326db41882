// evaluator/vqa on small VQAv2, OK-VQA, TextVQA and VizWiz files written in each benchmark's
// published format: the queries it makes, and the metrics of answers written by hand, computed
// here by the leave-one-out rule.
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

constexpr const char* kSuffix = "\nAnswer the question using a single word or phrase.";

struct VqaV2Files {
  fs::path questions, annotations, images;
};

// Three questions over two COCO images; the annotations list them in another order, plus one
// question the questions file does not ask.
VqaV2Files write_vqav2(const fs::path& dir) {
  VqaV2Files f{dir / "v2_OpenEnded_mscoco_val2014_questions.json", dir / "v2_mscoco_val2014_annotations.json",
               dir / "val2014"};
  write_text(f.questions, R"({"info": {"description": "fixture"}, "task_type": "Open-Ended", "data_type": "mscoco",
    "license": {}, "data_subtype": "val2014", "questions": [
      {"image_id": 42, "question": "What color is the bus?", "question_id": 42000},
      {"image_id": 7, "question": "How many dogs are there?", "question_id": 7001},
      {"image_id": 42, "question": "Is it raining?", "question_id": 42002}]})");
  write_text(f.annotations,
             R"({"info": {}, "data_subtype": "val2014", "annotations": [
      {"question_id": 42002, "image_id": 42, "answer_type": "yes/no", "question_type": "is it",
       "multiple_choice_answer": "yes", "answers": )" +
                 vqa_answers_json({{"yes", 10}}) + R"(},
      {"question_id": 42000, "image_id": 42, "answer_type": "other", "question_type": "what color is the",
       "multiple_choice_answer": "blue", "answers": )" +
                 vqa_answers_json({{"red", 2}, {"blue", 8}}) + R"(},
      {"question_id": 9999, "image_id": 1, "answer_type": "other", "question_type": "what",
       "multiple_choice_answer": "x", "answers": )" +
                 vqa_answers_json({{"x", 10}}) + R"(},
      {"question_id": 7001, "image_id": 7, "answer_type": "number", "question_type": "how many",
       "multiple_choice_answer": "3", "answers": )" +
                 vqa_answers_json({{"2", 1}, {"two", 2}, {"3", 7}}) + R"(}]})");
  touch_images(f.images, {"COCO_val2014_000000000042.jpg", "COCO_val2014_000000000007.jpg"});
  return f;
}

std::string vqav2_table(const VqaV2Files& f, const std::string& format = "vqav2") {
  return "use = \"evaluator/vqa\"\nformat = \"" + format + "\"\nquestions = '" + f.questions.string() +
         "'\nannotations = '" + f.annotations.string() + "'\nimages = '" + f.images.string() + "'\n";
}

TEST(VqaEvaluator, Vqav2QueriesAskEachQuestionWithItsCocoImage) {
  const auto dir = fresh_dir("vqa_eval_vqav2_queries");
  const VqaV2Files f = write_vqav2(dir);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(vqav2_table(f));
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 3u);
  EXPECT_EQ(queries[0].id, "42000");
  EXPECT_EQ(queries[1].id, "7001");
  EXPECT_EQ(queries[2].id, "42002");
  EXPECT_EQ(queries[0].prompt.text, std::string("<image>\nWhat color is the bus?") + kSuffix);
  EXPECT_EQ(queries[1].prompt.text, std::string("<image>\nHow many dogs are there?") + kSuffix);
  ASSERT_EQ(queries[0].prompt.images.size(), 1u);
  EXPECT_EQ(queries[0].prompt.images[0].file, f.images / "COCO_val2014_000000000042.jpg");
  EXPECT_EQ(queries[0].prompt.images[0].bytes, nullptr);  // read by the model when needed
  EXPECT_EQ(queries[1].prompt.images[0].file, f.images / "COCO_val2014_000000000007.jpg");
  EXPECT_TRUE(queries[0].prompt.chat);
  EXPECT_EQ(queries[0].prompt.max_new_tokens, 16);
  EXPECT_TRUE(queries[0].prompt.stop_strings.empty());
  EXPECT_TRUE(queries[0].options.empty());
}

TEST(VqaEvaluator, Vqav2AccuracyIsTheLeaveOneOutMeanOverTheTenAnnotators) {
  const auto dir = fresh_dir("vqa_eval_vqav2_score");
  const VqaV2Files f = write_vqav2(dir);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(vqav2_table(f));
  const auto queries = evaluator->queries(maker.context());
  const auto answers = answers_of({"Red.", "2", "No"});
  const EvalReport report = evaluator->score(queries, answers, dir / "out", maker.context());

  // 42000: "Red." normalises to "red", which 2 of the 10 annotators gave. Leaving out one of
  // those two leaves 1 match (min(1, 1/3) = 1/3); leaving out any of the 8 others leaves 2
  // (2/3). Mean: (2 * 1/3 + 8 * 2/3) / 10 = (2/3 + 16/3) / 10 = 0.6.
  // 7001: the answers normalise to "2", "2", "2", then 7 x "3" ("two" -> "2"): 3 match "2".
  // (3 * 2/3 + 7 * 1) / 10 = 0.9.
  // 42002: all 10 said "yes", the answer "no": 0.
  const double q1 = 0.6, q2 = 0.9, q3 = 0.0;
  EXPECT_EQ(report.benchmark, "vqav2");
  EXPECT_EQ(report.samples, 3);
  EXPECT_EQ(metric_names(report),
            (std::vector<std::string>{"accuracy", "accuracy/number", "accuracy/other", "accuracy/yes/no",
                                      "accuracy/question_type/how many", "accuracy/question_type/is it",
                                      "accuracy/question_type/what color is the"}));
  EXPECT_NEAR(metric(report, "accuracy"), (q1 + q2 + q3) / 3, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/other"), q1, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/number"), q2, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/yes/no"), q3, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/question_type/how many"), q2, 1e-12);

  const auto lines = read_predictions(dir / "out");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["question_id"], 42000);
  EXPECT_EQ(lines[0]["question"], "What color is the bus?");
  EXPECT_EQ(lines[0]["prediction"], "Red.");
  EXPECT_EQ(lines[0]["normalised"], "red");
  EXPECT_EQ(lines[0]["answers"].size(), 10u);
  EXPECT_EQ(lines[0]["answers"][0], "red");
  EXPECT_NEAR(lines[0]["score"].get<double>(), q1, 1e-12);
  EXPECT_EQ(lines[0]["answer_type"], "other");
  EXPECT_EQ(lines[0]["question_type"], "what color is the");
  EXPECT_EQ(lines[1]["normalised"], "2");
  EXPECT_NEAR(lines[1]["score"].get<double>(), q2, 1e-12);
  EXPECT_EQ(lines[2]["score"], 0.0);
}

TEST(VqaEvaluator, MoreMatchesScoreByTheSameRule) {
  // The per-question accuracy for m matching annotators of 10: m = 1 -> (1 * 0 + 9 * 1/3) / 10
  // = 0.3; m = 3 -> (3 * 2/3 + 7 * 1) / 10 = 0.9; m = 4 -> every subset has >= 3 matches: 1.
  const auto dir = fresh_dir("vqa_eval_vqav2_counts");
  const VqaV2Files f = write_vqav2(dir);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(vqav2_table(f));
  const auto queries = evaluator->queries(maker.context());
  // "blue" (8 of 10) -> 1; "three" -> "3" (7 of 10) -> 1; "yes" (10 of 10) -> 1.
  EXPECT_NEAR(metric(evaluator->score(queries, answers_of({"blue", "three", "Yes"}), dir / "a", maker.context()),
                     "accuracy"),
              1.0, 1e-12);
  // "green" matches none: 0; "3 dogs" is not "3": 0; "yes." -> "yes": 1.
  EXPECT_NEAR(metric(evaluator->score(queries, answers_of({"green", "3 dogs", "yes."}), dir / "b", maker.context()),
                     "accuracy"),
              1.0 / 3, 1e-12);
}

TEST(VqaEvaluator, LimitAsksTheFirstQuestionsAndPatternNamesTheImages) {
  const auto dir = fresh_dir("vqa_eval_vqav2_limit");
  const VqaV2Files f = write_vqav2(dir);
  touch_images(f.images, {"img-42.png"});
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(vqav2_table(f) + "limit = 1\nimage_pattern = \"img-%d.png\"\n"
                                                          "max_new_tokens = 5\nprompt_suffix = \" Be brief.\"\n");
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(queries[0].prompt.text, "<image>\nWhat color is the bus? Be brief.");
  EXPECT_EQ(queries[0].prompt.images[0].file, f.images / "img-42.png");
  EXPECT_EQ(queries[0].prompt.max_new_tokens, 5);
  const EvalReport report = evaluator->score(queries, answers_of({"blue"}), dir / "out", maker.context());
  EXPECT_EQ(report.samples, 1);
  EXPECT_NEAR(metric(report, "accuracy"), 1.0, 1e-12);
}

TEST(VqaEvaluator, OkVqaReadsTheSameFilesUnderItsOwnName) {
  const auto dir = fresh_dir("vqa_eval_okvqa");
  const VqaV2Files f = write_vqav2(dir);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(vqav2_table(f, "okvqa"));
  const auto queries = evaluator->queries(maker.context());
  const EvalReport report = evaluator->score(queries, answers_of({"Red.", "2", "No"}), dir / "out", maker.context());
  EXPECT_EQ(report.benchmark, "okvqa");
  EXPECT_NEAR(metric(report, "accuracy"), 0.5, 1e-12);
}

TEST(VqaEvaluator, TextVqaComparesNormalisedAnswersOfBothSides) {
  const auto dir = fresh_dir("vqa_eval_textvqa");
  const fs::path file = dir / "TextVQA_0.5.1_val.json";
  write_text(file, R"({"dataset_type": "val", "dataset_name": "textvqa", "dataset_version": "0.5.1", "data": [
      {"question": "what brand is the phone?", "image_id": "003a8ae2ef43b901", "image_classes": ["Mobile phone"],
       "flickr_original_url": "https://example.invalid/a.jpg", "flickr_300k_url": "https://example.invalid/b.jpg",
       "image_width": 1024, "image_height": 664, "answers": )" +
                       answer_strings_json({{"nokia", 1}, {"Nokia", 2}, {"nokia phone", 7}}) + R"(,
       "question_tokens": ["what", "brand", "is", "the", "phone"], "question_id": 34602, "set_name": "val"},
      {"question": "what does the sign say?", "image_id": "00c359f294f7dcd9", "image_classes": [],
       "image_width": 800, "image_height": 600, "answers": )" +
                       answer_strings_json({{"STOP", 10}}) + R"(,
       "question_tokens": [], "question_id": 34603, "set_name": "val"}]})");
  touch_images(dir / "train_images", {"003a8ae2ef43b901.jpg", "00c359f294f7dcd9.jpg"});
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/vqa\"\nformat = \"textvqa\"\nfile = '" + file.string() +
                                         "'\nimages = '" + (dir / "train_images").string() + "'\n");
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_EQ(queries[0].id, "34602");
  EXPECT_EQ(queries[0].prompt.text, std::string("<image>\nwhat brand is the phone?") + kSuffix);
  EXPECT_EQ(queries[0].prompt.images[0].file, dir / "train_images" / "003a8ae2ef43b901.jpg");

  const EvalReport report = evaluator->score(queries, answers_of({"NOKIA", "Stop."}), dir / "out", maker.context());
  // 34602: "nokia" and "Nokia" both normalise to "nokia": 3 of 10 -> (3 * 2/3 + 7 * 1) / 10 = 0.9.
  // 34603: "stop" against 10 x "STOP" -> "stop": 1.
  EXPECT_EQ(report.benchmark, "textvqa");
  EXPECT_EQ(metric_names(report), std::vector<std::string>{"accuracy"});  // TextVQA has no types
  EXPECT_NEAR(metric(report, "accuracy"), (0.9 + 1.0) / 2, 1e-12);
  const auto lines = read_predictions(dir / "out");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["question_id"], 34602);
  EXPECT_EQ(lines[0]["normalised"], "nokia");
  EXPECT_NEAR(lines[0]["score"].get<double>(), 0.9, 1e-12);
}

TEST(VqaEvaluator, VizWizNamesQuestionsByImageAndBreaksDownByAnswerType) {
  const auto dir = fresh_dir("vqa_eval_vizwiz");
  const fs::path file = dir / "val.json";
  auto answers = [](const std::vector<std::pair<std::string, int>>& counts) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& [text, n] : counts)
      for (int i = 0; i < n; ++i) a.push_back({{"answer", text}, {"answer_confidence", "yes"}});
    return a.dump();
  };
  write_text(file, R"([
      {"image": "VizWiz_val_00000000.jpg", "question": "What is this?", "answers": )" +
                       answers({{"unanswerable", 10}}) + R"(, "answer_type": "unanswerable", "answerable": 0},
      {"image": "VizWiz_val_00000001.jpg", "question": "What color is this shirt?", "answers": )" +
                       answers({{"blue", 1}, {"navy blue", 9}}) + R"(, "answer_type": "other", "answerable": 1}])");
  touch_images(dir / "val", {"VizWiz_val_00000000.jpg", "VizWiz_val_00000001.jpg"});
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>("use = \"evaluator/vqa\"\nformat = \"vizwiz\"\nfile = '" + file.string() +
                                         "'\nimages = '" + (dir / "val").string() + "'\n");
  const auto queries = evaluator->queries(maker.context());
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_EQ(queries[1].id, "VizWiz_val_00000001.jpg");
  EXPECT_EQ(queries[1].prompt.images[0].file, dir / "val" / "VizWiz_val_00000001.jpg");
  EXPECT_EQ(queries[1].prompt.text, std::string("<image>\nWhat color is this shirt?") + kSuffix);

  const EvalReport report =
      evaluator->score(queries, answers_of({"Unanswerable", "blue"}), dir / "out", maker.context());
  // "unanswerable": 10 of 10 -> 1. "blue": 1 of 10 -> leaving that annotator out leaves 0
  // matches, leaving out any other leaves 1 (1/3): 9 * 1/3 / 10 = 0.3.
  EXPECT_EQ(report.benchmark, "vizwiz");
  EXPECT_EQ(metric_names(report),
            (std::vector<std::string>{"accuracy", "accuracy/other", "accuracy/unanswerable"}));
  EXPECT_NEAR(metric(report, "accuracy"), 0.65, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/other"), 0.3, 1e-12);
  EXPECT_NEAR(metric(report, "accuracy/unanswerable"), 1.0, 1e-12);
  EXPECT_EQ(read_predictions(dir / "out")[1]["question_id"], "VizWiz_val_00000001.jpg");
}

TEST(VqaEvaluator, MalformedJsonIsAnErrorNamingTheFile) {
  const auto dir = fresh_dir("vqa_eval_bad_json");
  VqaV2Files f = write_vqav2(dir);
  write_text(f.questions, R"({"questions": [{"image_id": 42, "question": )");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(vqav2_table(f));
  const std::string error = error_of([&] { evaluator->queries(maker.context()); });
  EXPECT_NE(error.find(f.questions.string()), std::string::npos) << error;
  EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
}

TEST(VqaEvaluator, AMissingKeyIsAnErrorNamingTheFileAndEntry) {
  const auto dir = fresh_dir("vqa_eval_missing_key");
  VqaV2Files f = write_vqav2(dir);
  write_text(f.annotations, R"({"annotations": [{"question_id": 42000, "answer_type": "other",
                                                  "question_type": "what"}]})");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(vqav2_table(f));
  EXPECT_EQ(error_of([&] { evaluator->queries(maker.context()); }),
            f.annotations.string() + ": annotations[0] has no key 'answers'");

  const fs::path textvqa = dir / "textvqa.json";
  write_text(textvqa, R"({"data": [{"question_id": 1, "image_id": "a", "answers": ["x"]}]})");
  auto text_evaluator = maker.make<Evaluator>("use = \"evaluator/vqa\"\nformat = \"textvqa\"\nfile = '" +
                                              textvqa.string() + "'\nimages = '" + f.images.string() + "'\n");
  EXPECT_EQ(error_of([&] { text_evaluator->queries(maker.context()); }),
            textvqa.string() + ": data[0] has no key 'question'");
}

TEST(VqaEvaluator, AQuestionWithoutAnnotationIsAnError) {
  const auto dir = fresh_dir("vqa_eval_unannotated");
  VqaV2Files f = write_vqav2(dir);
  write_text(f.annotations, R"({"annotations": []})");
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(vqav2_table(f));
  const std::string error = error_of([&] { evaluator->queries(maker.context()); });
  EXPECT_NE(error.find(f.annotations.string() + ": has no annotation for question_id 42000"), std::string::npos)
      << error;
}

TEST(VqaEvaluator, TheFilesMustFitTheFormat) {
  const auto dir = fresh_dir("vqa_eval_wrong_keys");
  const VqaV2Files f = write_vqav2(dir);
  test::ComponentMaker maker;
  EXPECT_NE(error_of([&] {
              maker.make<Evaluator>("use = \"evaluator/vqa\"\nformat = \"vqav2\"\nquestions = '" + f.questions.string() +
                                    "'\nimages = '" + f.images.string() + "'\n");
            }).find("set questions (the questions JSON) and annotations"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              maker.make<Evaluator>("use = \"evaluator/vqa\"\nformat = \"textvqa\"\nquestions = '" +
                                    f.questions.string() + "'\nimages = '" + f.images.string() + "'\n");
            }).find("reads one file: set file"),
            std::string::npos);
}

TEST(VqaEvaluator, AnswersMustPairWithItsQueries) {
  const auto dir = fresh_dir("vqa_eval_pairing");
  const VqaV2Files f = write_vqav2(dir);
  test::ComponentMaker maker;
  auto evaluator = maker.make<Evaluator>(vqav2_table(f));
  auto queries = evaluator->queries(maker.context());
  EXPECT_EQ(error_of([&] { evaluator->score(queries, answers_of({"a"}), dir / "out", maker.context()); }),
            "vqav2: 1 answers for 3 queries (expected one answer per query)");
  queries[1].id = "123";
  EXPECT_EQ(error_of([&] { evaluator->score(queries, answers_of({"a", "b", "c"}), dir / "out", maker.context()); }),
            "vqav2: query \"123\" is not one of this benchmark's questions");
}

}  // namespace
