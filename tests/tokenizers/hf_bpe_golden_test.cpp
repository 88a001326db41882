// tokenizer/hf-bpe on the Qwen tokenizer fixture: for each of the 154 strings of golden.json, the
// exact ids of Hugging Face's Qwen2Tokenizer, and decoding back. One named test per case.
//
// The golden ids are those of the NFC-normalized text (tokenizer.json's normalizer), so decoding
// gives back NFC(text): the three decomposed cases ("e" + U+0301 ...) come back composed, as
// they do from Hugging Face tokenizers.
#include <gtest/gtest.h>
#include <unicode/normalizer2.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "qwen_tokenizer.hpp"

namespace {

using vlforge::test::qwen_tokenizer;
using vlforge::test::qwen_tokenizer_dir;

struct GoldenCase {
  size_t index = 0;
  std::string text;
  std::vector<int64_t> ids;
};

// Read when the tests are listed; a missing file leaves no cases, and GoldenFile.Present says why.
std::vector<GoldenCase> golden_cases() {
  std::ifstream in(qwen_tokenizer_dir() / "golden.json");
  if (!in) return {};
  const auto doc = nlohmann::json::parse(in);
  std::vector<GoldenCase> cases;
  for (const auto& c : doc.at("cases"))
    cases.push_back({cases.size(), c.at("text").get<std::string>(), c.at("ids").get<std::vector<int64_t>>()});
  return cases;
}

std::string nfc(const std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
  std::string out;
  n->normalize(icu::UnicodeString::fromUTF8(text), status).toUTF8String(out);
  EXPECT_TRUE(U_SUCCESS(status)) << u_errorName(status);
  return out;
}

class QwenGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(QwenGolden, EncodesToHuggingFaceIdsAndDecodesBack) {
  const GoldenCase& c = GetParam();
  const auto& tok = qwen_tokenizer();
  EXPECT_EQ(tok.encode(c.text), c.ids) << "text: " << c.text;

  const std::string decoded = tok.decode(c.ids);
  EXPECT_EQ(decoded, nfc(c.text));
  if (nfc(c.text) != c.text) {
    EXPECT_NE(decoded, c.text) << "a decomposed text decodes to its composed (NFC) form";
    EXPECT_EQ(tok.encode(decoded), c.ids) << "the composed form has the same ids";
  }
}

INSTANTIATE_TEST_SUITE_P(Tokenizer, QwenGolden, ::testing::ValuesIn(golden_cases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) {
                           char name[16];
                           std::snprintf(name, sizeof name, "case_%03zu", info.param.index);
                           return std::string(name);
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(QwenGolden);

TEST(GoldenFile, HoldsAllCases) {
  EXPECT_EQ(golden_cases().size(), 154u) << "expected golden.json with 154 cases in " << qwen_tokenizer_dir()
                                         << " (set VLFORGE_HF_FIXTURES to the hf-reference fixture folder)";
}

}  // namespace
