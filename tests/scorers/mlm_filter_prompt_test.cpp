// The MLM-Filter prompts against the reference's own text (data/mlm-filter/, made by running the
// reference's template and conversation code: see its README), character for character, and the
// reading of a score from an answer.
#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>

#include "mlm_filter_prompt.hpp"
#include "score_parser.hpp"
#include "test_paths.hpp"
#include "vlforge/error.hpp"

namespace vlforge::mlm_filter {

// gtest names the case by its metric, not its bytes.
void PrintTo(Metric metric, std::ostream* os) { *os << metric_name(metric); }

namespace {

const std::filesystem::path kGolden = std::filesystem::path(VLFORGE_SCORER_TEST_DATA) / "mlm-filter";
constexpr std::string_view kCaption = "A red ball on a wooden table, {not a field} 100%";

class MlmFilterPrompt : public testing::TestWithParam<Metric> {};

TEST_P(MlmFilterPrompt, MatchesTheReferenceExactly) {
  const std::string golden = test::read_text(kGolden / (std::string(metric_name(GetParam())) + ".txt"));
  ASSERT_FALSE(golden.empty()) << "missing golden prompt for " << metric_name(GetParam());
  const PromptText prompt = prompt_text(GetParam(), kCaption);
  EXPECT_EQ(prompt.before_image + "<image>" + prompt.after_image, golden);
  EXPECT_EQ(prompt.before_image, "<|im_start|>system\nYou are a helpful assistant<|im_end|><|im_start|>user\n");
}

INSTANTIATE_TEST_SUITE_P(Metrics, MlmFilterPrompt,
                         testing::Values(Metric::image_text_matching, Metric::object_detail_fulfillment,
                                         Metric::caption_text_quality, Metric::semantic_understanding),
                         [](const testing::TestParamInfo<Metric>& info) { return std::string(metric_name(info.param)); });

TEST(MlmFilterPrompt, CaptionWithAnImageMarkerStaysText) {
  const PromptText prompt = prompt_text(Metric::image_text_matching, "a photo of <image> tags");
  EXPECT_EQ(prompt.before_image.find("<image>"), std::string::npos);
  EXPECT_NE(prompt.after_image.find("Text Caption: a photo of <image> tags\n\n"), std::string::npos);
}

TEST(MlmFilterPrompt, MetricNamesAndScoreColumns) {
  EXPECT_EQ(metric_from_name("semantic_understanding"), Metric::semantic_understanding);
  EXPECT_EQ(default_score_name(Metric::image_text_matching), "mlm_itm");
  EXPECT_EQ(default_score_name(Metric::object_detail_fulfillment), "mlm_odf");
  EXPECT_EQ(default_score_name(Metric::caption_text_quality), "mlm_ctq");
  EXPECT_EQ(default_score_name(Metric::semantic_understanding), "mlm_su");
  EXPECT_THROW(metric_from_name("semantic understanding"), Error);
}

TEST(MlmFilterScoreParser, ReadsTheFirstIntegerOfTheFirstLine) {
  EXPECT_EQ(parse_score("85"), 85);
  EXPECT_EQ(parse_score(" 85<|im_end|>"), 85);
  EXPECT_EQ(parse_score("Score: 85"), 85);
  EXPECT_EQ(parse_score("\n 72\nThe caption names a breed of dog."), 72);
  EXPECT_EQ(parse_score("85, because the caption"), 85);
  EXPECT_EQ(parse_score("0"), 0);
  EXPECT_EQ(parse_score("100"), 100);
  EXPECT_EQ(parse_score("085"), 85);
  EXPECT_EQ(parse_score("85."), 85);
}

TEST(MlmFilterScoreParser, NoScoreWithoutAnIntegerIn0To100) {
  for (const std::string_view text : {"", "   ", "abc", "150", "101", "-5", "85.5", "\n\n", "high\n85",
                                      "99999999999999999999"})
    EXPECT_EQ(parse_score(text), std::nullopt) << '"' << text << '"';
}

}  // namespace
}  // namespace vlforge::mlm_filter
