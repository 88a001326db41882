// The answers the "expected" MLM-Filter score weighs, with the real Qwen tokenizer (one token per
// digit): the trie of "0".."100", the chains it is fed in (the number of extra model passes), and
// which tokens continue a number.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "component_factory.hpp"
#include "error_text.hpp"
#include "score_candidates.hpp"
#include "test_paths.hpp"
#include "vlforge/error.hpp"
#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge::mlm_filter {
namespace {

constexpr int64_t kQwenModelVocab = 151936;  // Qwen2.5's embedding rows, beyond the tokenizer's 151669 ids

const Tokenizer& qwen() {
  static test::ComponentMaker maker;
  static const auto tokenizer = maker.make<Tokenizer>(
      "use = \"tokenizer/hf-bpe\"\nfile = '" + (test::hf_fixtures_dir() / "tokenizer-qwen" / "tokenizer.json").string() + "'");
  return *tokenizer;
}

std::vector<int64_t> path_of(const ScoreCandidates& c, int value) {
  std::vector<int64_t> tokens;
  for (int64_t n = c.node_of_value[static_cast<size_t>(value)]; n >= 0; n = c.nodes[static_cast<size_t>(n)].parent)
    tokens.insert(tokens.begin(), c.nodes[static_cast<size_t>(n)].token);
  return tokens;
}

TEST(MlmFilterCandidates, QwenDigitsFormATrieFedIn91Chains) {
  const ScoreCandidates c = score_candidates(qwen(), kQwenModelVocab, 100);
  // "0".."9", "10".."99", "100": every prefix of a candidate is a candidate.
  ASSERT_EQ(c.nodes.size(), 101u);
  for (const CandidateNode& node : c.nodes) EXPECT_GE(node.value, 0);
  EXPECT_EQ(c.first_tokens.size(), 10u);
  // One chain per leaf ("0", "100", "11".."19", "20".."99"), each node fed once.
  ASSERT_EQ(c.chains.size(), 91u);
  int64_t fed = 0;
  for (const Chain& chain : c.chains) {
    EXPECT_EQ(chain.first, fed);
    for (int64_t i = 1; i < chain.length; ++i)
      EXPECT_EQ(c.nodes[static_cast<size_t>(chain.first + i)].parent, chain.first + i - 1);
    fed += chain.length;
  }
  EXPECT_EQ(fed, 101);
  for (const int value : {0, 7, 10, 85, 100})
    EXPECT_EQ(path_of(c, value), qwen().encode(std::to_string(value))) << value;
  EXPECT_EQ(c.nodes[static_cast<size_t>(c.node_of_value[85])].depth, 2);
}

TEST(MlmFilterCandidates, OnlyDigitTokensContinueANumber) {
  const ScoreCandidates c = score_candidates(qwen(), kQwenModelVocab, 100);
  ASSERT_EQ(c.continues_number.size(0), kQwenModelVocab);
  const at::Tensor digits = c.continues_number.nonzero().flatten();
  std::vector<int64_t> want;
  for (char d = '0'; d <= '9'; ++d) want.push_back(qwen().encode(std::string(1, d)).at(0));
  EXPECT_EQ(std::vector<int64_t>(digits.data_ptr<int64_t>(), digits.data_ptr<int64_t>() + digits.numel()), want);
}

TEST(MlmFilterCandidates, TokensOutsideTheModelAreRefused) {
  // Qwen's digits are ids 15..24: a 20-row model has no row for "5".
  const std::string error = test::error_of([] { score_candidates(qwen(), 20, 100); });
  EXPECT_NE(error.find("encodes \"5\" with id 20, outside the language model's vocabulary of 20"), std::string::npos)
      << error;
}

}  // namespace
}  // namespace vlforge::mlm_filter
