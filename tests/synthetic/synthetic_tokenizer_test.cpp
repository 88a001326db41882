// recipes/assets/synthetic-bpe, the tokenizer the quickstart trains with: read by tokenizer/hf-bpe,
// lossless, the world's words as single tokens, ChatML with <|im_end|> as end of turn, and exactly
// what scripts/make_synthetic_tokenizer.py writes.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "component_factory.hpp"
#include "process.hpp"
#include "test_paths.hpp"
#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge::test {
namespace {

namespace fs = std::filesystem;

const fs::path kAssetDir = kSourceDir / "recipes" / "assets" / "synthetic-bpe";

std::shared_ptr<Tokenizer> synthetic_tokenizer() {
  static ComponentMaker maker;
  static const std::shared_ptr<Tokenizer> tok =
      maker.make<Tokenizer>("use = \"tokenizer/hf-bpe\"\nfile = \"" + (kAssetDir / "tokenizer.json").string() + "\"");
  return tok;
}

TEST(SyntheticTokenizer, RoundTripsTheWorldsTextAndAnyOtherBytes) {
  const auto tok = synthetic_tokenizer();
  for (const std::string text : {
           "a red circle above a blue square on a white background",
           "two green triangles on a gray background",
           "an orange square, a purple circle and a yellow triangle from left to right on a black background",
           "<image>\nWhat colour is the background?",
           "How many sides does a square have?",
           "Text the corpus never had: Zebra 1234, tab\there, caf\xc3\xa9 \xe4\xbd\xa0\xe5\xa5\xbd!",
       }) {
    const std::vector<int64_t> ids = tok->encode(text);
    EXPECT_EQ(tok->decode(ids), text);
  }
}

TEST(SyntheticTokenizer, TheWorldsWordsAreSingleTokens) {
  const auto tok = synthetic_tokenizer();
  for (const std::string word : {"red", " circle", " square", " triangle", " background", "white", "two", " above",
                                 "What", " colour", "circle", "three"})
    EXPECT_EQ(tok->encode(word).size(), 1u) << "'" << word << "'";
  EXPECT_EQ(tok->encode("a red circle above a blue square on a white background").size(), 11u);
  EXPECT_GE(tok->vocab_size(), 400);
  EXPECT_LE(tok->vocab_size(), 600);
}

TEST(SyntheticTokenizer, SpecialTokensAreSingleIdsAfterTheVocabulary) {
  const auto tok = synthetic_tokenizer();
  const int64_t first = tok->vocab_size() - 3;
  int64_t expected = first;
  for (const std::string special : {"<|endoftext|>", "<|im_start|>", "<|im_end|>"}) {
    ASSERT_TRUE(tok->token_to_id(special).has_value()) << special;
    EXPECT_EQ(*tok->token_to_id(special), expected) << special;
    EXPECT_EQ(tok->encode(special), std::vector<int64_t>{expected}) << special;
    EXPECT_EQ(tok->decode(std::vector<int64_t>{expected}, true), "") << special;
    ++expected;
  }
  EXPECT_EQ(tok->encode("red<|im_end|>"), (std::vector<int64_t>{tok->encode("red")[0], first + 2}));
}

TEST(SyntheticTokenizer, ChatTemplateIsChatMLAndEndsTurnsWithImEnd) {
  const auto tok = synthetic_tokenizer();
  const std::vector<ChatMessage> conversation{{"user", "<image>\nWhat colour is the background?"}};
  EXPECT_EQ(tok->apply_chat_template(conversation, true),
            "<|im_start|>user\n<image>\nWhat colour is the background?<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(tok->eos_id(), *tok->token_to_id("<|im_end|>"));
  EXPECT_EQ(tok->pad_id(), *tok->token_to_id("<|endoftext|>"));  // tokenizer_config.json's, as Qwen's
  EXPECT_FALSE(tok->bos_id().has_value());
}

TEST(SyntheticTokenizer, TheScriptRegeneratesTheShippedFilesByteForByte) {
  const fs::path python = "/usr/bin/python3";
  if (!fs::exists(python)) GTEST_SKIP() << python << " is not installed";
  const fs::path out = fresh_dir("synthetic_tokenizer_regenerated");
  const auto r = run_command({python.string(), (kSourceDir / "scripts" / "make_synthetic_tokenizer.py").string(), out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const std::string name : {"tokenizer.json", "tokenizer_config.json"}) {
    const std::string shipped = read_text(kAssetDir / name);
    ASSERT_FALSE(shipped.empty()) << kAssetDir / name;
    EXPECT_TRUE(read_text(out / name) == shipped) << name << " differs from what the script writes (rerun it)";
  }
}

}  // namespace
}  // namespace vlforge::test
