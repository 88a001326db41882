// tokenizer/hf-bpe beyond the golden ids: special tokens, the ChatML template, configuration,
// decoding of partial characters, concurrent use, a small hand-written tokenizer.json in the
// older merges format, and the errors for files it cannot read.
#include <gtest/gtest.h>

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "component_factory.hpp"
#include "qwen_tokenizer.hpp"
#include "byte_level_alphabet.hpp"
#include "test_paths.hpp"
#include "vlforge/error.hpp"

namespace fs = std::filesystem;
using vlforge::ChatMessage;
using vlforge::Tokenizer;
using vlforge::test::byte_level_alphabet;
using vlforge::test::ComponentMaker;
using vlforge::test::qwen_tokenizer;
using vlforge::test::qwen_tokenizer_dir;

namespace {

constexpr int64_t kEndOfText = 151643;  // <|endoftext|>
constexpr int64_t kImStart = 151644;
constexpr int64_t kImEnd = 151645;
constexpr int64_t kThink = 151667;      // an added token that is not special

std::string toml_for(const fs::path& file, const std::string& extra = "") {
  return "use = \"tokenizer/hf-bpe\"\nfile = '" + file.string() + "'\n" + extra;
}

std::shared_ptr<Tokenizer> make(const fs::path& file, const std::string& extra = "") {
  static ComponentMaker maker;
  return maker.make<Tokenizer>(toml_for(file, extra));
}

const fs::path& qwen_file() {
  static const fs::path file = qwen_tokenizer_dir() / "tokenizer.json";
  return file;
}

// The error message of creating a tokenizer from `file`, or "" when it was created.
std::string creation_error(const fs::path& file, const std::string& extra = "") {
  try {
    make(file, extra);
  } catch (const vlforge::Error& e) {
    return e.what();
  }
  return "";
}

// A small GPT-2-style tokenizer.json: the 256 bytes, merges written as "a b" strings (the format
// before tokenizers 0.20), ByteLevel with its own regex, two special tokens (<mask> swallows the
// whitespace before it, as RoBERTa's does).
nlohmann::json tiny_tokenizer_json() {
  nlohmann::json vocab = nlohmann::json::object();
  const auto alphabet = byte_level_alphabet();
  for (int b = 0; b < 256; ++b) vocab[alphabet[b]] = b;
  const std::vector<std::string> merged = {"he", "ll", "hell", "hello", "\xC4\xA0hello"};  // Ġhello
  for (size_t i = 0; i < merged.size(); ++i) vocab[merged[i]] = 256 + static_cast<int>(i);
  return {
      {"version", "1.0"},
      {"added_tokens", {{{"id", 261}, {"content", "<|endoftext|>"}, {"special", true}, {"normalized", false},
                         {"lstrip", false}, {"rstrip", false}, {"single_word", false}},
                        {{"id", 262}, {"content", "<mask>"}, {"special", true}, {"normalized", false},
                         {"lstrip", true}, {"rstrip", false}, {"single_word", false}}}},
      {"normalizer", nullptr},
      {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}}},
      {"post_processor", nullptr},
      {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
      {"model", {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"vocab", vocab},
                 {"merges", {"h e", "l l", "he ll", "hell o", "\xC4\xA0 hello"}}}},
  };
}

fs::path write_tokenizer(const std::string& test, const std::string& text) {
  const fs::path file = vlforge::test::fresh_dir("hf-bpe/" + test) / "tokenizer.json";
  vlforge::test::write_text(file, text);
  return file;
}

}  // namespace

TEST(HfBpeQwen, SpecialTokensComeFromTokenizerConfig) {
  const auto& tok = qwen_tokenizer();
  EXPECT_EQ(tok.vocab_size(), 151669);  // 151643 BPE tokens + 26 added tokens
  EXPECT_EQ(tok.eos_id(), kImEnd);      // tokenizer_config.json: eos_token <|im_end|>
  EXPECT_EQ(tok.pad_id(), kEndOfText);  // pad_token <|endoftext|>
  EXPECT_FALSE(tok.bos_id().has_value());
  EXPECT_EQ(tok.token_to_id("<think>"), kThink);
  EXPECT_EQ(tok.token_to_id("Hello"), 9707);
  EXPECT_EQ(tok.token_to_id("\xC4\xA0Hello"), 21927);  // "ĠHello": vocabulary tokens are byte-level text
  EXPECT_FALSE(tok.token_to_id(" Hello").has_value());
  EXPECT_EQ(tok.id_to_token(21927), "\xC4\xA0Hello");
  EXPECT_EQ(tok.id_to_token(kImStart), "<|im_start|>");
}

TEST(HfBpeQwen, ChatTemplateIsChatML) {
  const auto& tok = qwen_tokenizer();
  const std::vector<ChatMessage> conversation = {{"system", "You are helpful."}, {"user", "hi"}};
  const std::string text = tok.apply_chat_template(conversation, true);
  EXPECT_EQ(text,
            "<|im_start|>system\nYou are helpful.<|im_end|>\n"
            "<|im_start|>user\nhi<|im_end|>\n"
            "<|im_start|>assistant\n");
  // Ids from golden.json: case 114 (the system turn), case 113 (the user turn), "\n" = 198.
  const std::vector<int64_t> expected = {kImStart, 8948, 198, 2610, 525, 10950, 13, kImEnd, 198,
                                         kImStart, 872, 198, 6023, kImEnd, 198,
                                         kImStart, 77091, 198};
  EXPECT_EQ(tok.encode(text), expected);
  EXPECT_EQ(tok.apply_chat_template(std::span(conversation).first(1), false),
            "<|im_start|>system\nYou are helpful.<|im_end|>\n");
}

TEST(HfBpeQwen, DecodeSkipsOnlySpecialTokens) {
  const auto& tok = qwen_tokenizer();
  const std::vector<int64_t> ids = {kImStart, 872, 198, 6023, kImEnd, kThink, kEndOfText};
  EXPECT_EQ(tok.decode(ids), "<|im_start|>user\nhi<|im_end|><think><|endoftext|>");
  EXPECT_EQ(tok.decode(ids, true), "user\nhi<think>");  // <think> is an added token, not a special one
}

TEST(HfBpeQwen, PartialCharactersDecodeToReplacementCharacter) {
  const auto& tok = qwen_tokenizer();
  const std::vector<int64_t> smile = tok.encode("\xF0\x9F\x98\x80");  // 😀, one token
  ASSERT_EQ(smile.size(), 1u);
  const auto first_byte = tok.token_to_id("\xC3\xB0");  // "ð": the byte 0xF0 in the byte-level alphabet
  ASSERT_TRUE(first_byte.has_value());
  EXPECT_EQ(tok.decode(std::vector<int64_t>{*first_byte}), "\xEF\xBF\xBD");
  EXPECT_EQ(tok.decode(std::vector<int64_t>{*first_byte, 1, *first_byte}), "\xEF\xBF\xBD\"\xEF\xBF\xBD");
}

TEST(HfBpeQwen, InvalidUtf8IsEncodedAsReplacementCharacter) {
  const auto& tok = qwen_tokenizer();
  EXPECT_EQ(tok.encode("a\xFF" "b"), tok.encode("a\xEF\xBF\xBD" "b"));
}

TEST(HfBpeQwen, UnknownIdsAreErrors) {
  const auto& tok = qwen_tokenizer();
  EXPECT_THROW(tok.decode(std::vector<int64_t>{151669}), vlforge::Error);
  EXPECT_THROW(tok.decode(std::vector<int64_t>{-1}), vlforge::Error);
  EXPECT_THROW(tok.id_to_token(1 << 20), vlforge::Error);
}

TEST(HfBpeQwen, ConcurrentEncodingGivesTheSameIds) {
  const auto& tok = qwen_tokenizer();
  const std::string text = "Concurrent callers share one tokenizer and its word cache: 12345, don't, 你好.\n";
  const std::vector<int64_t> expected = tok.encode(text);
  std::vector<std::thread> threads;
  std::array<bool, 4> same{};
  for (size_t t = 0; t < same.size(); ++t)
    threads.emplace_back([&, t] {
      bool ok = true;
      for (int i = 0; i < 200; ++i) ok = ok && tok.encode(text + std::to_string(i % 7)) ==
                                                   tok.encode(text + std::to_string(i % 7));
      same[t] = ok && tok.encode(text) == expected;
    });
  for (auto& th : threads) th.join();
  for (bool ok : same) EXPECT_TRUE(ok);
}

TEST(HfBpeConfig, SpecialTokenOverrides) {
  const auto tok = make(qwen_file(), "eos_token = '<|endoftext|>'\npad_token = '<|im_start|>'\nbos_token = '<|im_start|>'\n");
  EXPECT_EQ(tok->eos_id(), kEndOfText);
  EXPECT_EQ(tok->pad_id(), kImStart);
  EXPECT_EQ(tok->bos_id(), kImStart);
  // encode never adds them
  EXPECT_EQ(tok->encode("Hello"), std::vector<int64_t>{9707});
}

TEST(HfBpeConfig, UnknownSpecialTokenIsAnErrorNamingTheFile) {
  const std::string error = creation_error(qwen_file(), "eos_token = '<nope>'\n");
  EXPECT_NE(error.find(qwen_file().string()), std::string::npos) << error;
  EXPECT_NE(error.find("eos_token '<nope>' is not a token of this vocabulary"), std::string::npos) << error;
}

TEST(HfBpeConfig, ChatFormatNoneRefusesChatTemplates) {
  const auto tok = make(qwen_file(), "chat_format = 'none'\n");
  const std::vector<ChatMessage> conversation = {{"user", "hi"}};
  try {
    tok->apply_chat_template(conversation, true);
    FAIL() << "expected an error";
  } catch (const vlforge::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no chat template"), std::string::npos) << e.what();
  }
}

TEST(HfBpeTiny, StringMergesAndGpt2ByteLevelSplit) {
  const fs::path file = write_tokenizer("tiny", tiny_tokenizer_json().dump());
  const auto tok = make(file);
  EXPECT_EQ(tok->encode("hello hello"), (std::vector<int64_t>{259, 260}));
  EXPECT_EQ(tok->encode("hello<|endoftext|>hell"), (std::vector<int64_t>{259, 261, 258}));
  EXPECT_EQ(tok->encode("oh"), (std::vector<int64_t>{'o', 'h'}));  // printable ASCII stands for itself
  EXPECT_EQ(tok->decode(std::vector<int64_t>{259, 260, 261}), "hello hello<|endoftext|>");
  EXPECT_EQ(tok->eos_id(), 261);  // no tokenizer_config.json: <|endoftext|> is the fallback
  EXPECT_EQ(tok->pad_id(), 261);
  EXPECT_EQ(tok->vocab_size(), 263);
  EXPECT_EQ(tok->encode("hello <mask>hello"), (std::vector<int64_t>{259, 262, 259}));  // lstrip took the space
  EXPECT_THROW(tok->apply_chat_template(std::vector<ChatMessage>{{"user", "hi"}}, true), vlforge::Error);
}

// The Split pre-tokenizer's behaviours, on a literal-string pattern (a space).
TEST(HfBpeTiny, SplitBehaviours) {
  const auto ids_with = [](const std::string& behavior) {
    nlohmann::json doc = tiny_tokenizer_json();
    doc["pre_tokenizer"] = {{"type", "Sequence"},
                            {"pretokenizers",
                             {{{"type", "Split"}, {"pattern", {{"String", " "}}}, {"behavior", behavior}, {"invert", false}},
                              {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}};
    return make(write_tokenizer("split-" + behavior, doc.dump()))->encode("hello hello");
  };
  constexpr int64_t kSpace = ' ';  // the byte-level token of the space byte
  EXPECT_EQ(ids_with("Removed"), (std::vector<int64_t>{259, 259}));
  EXPECT_EQ(ids_with("Isolated"), (std::vector<int64_t>{259, kSpace, 259}));
  EXPECT_EQ(ids_with("MergedWithNext"), (std::vector<int64_t>{259, 260}));
  EXPECT_EQ(ids_with("MergedWithPrevious"), (std::vector<int64_t>{259, kSpace, 259}));
  EXPECT_EQ(ids_with("Contiguous"), (std::vector<int64_t>{259, kSpace, 259}));
}

TEST(HfBpeErrors, MissingFile) {
  const fs::path missing = vlforge::test::fresh_dir("hf-bpe/missing") / "tokenizer.json";
  const std::string error = creation_error(missing);
  EXPECT_EQ(error.rfind(missing.string() + ": cannot open the tokenizer file", 0), 0u) << error;
}

TEST(HfBpeErrors, MalformedJson) {
  const fs::path file = write_tokenizer("malformed", R"({"model": {"type": "BPE", "vocab": {"a": 0,)");
  const std::string error = creation_error(file);
  EXPECT_EQ(error.rfind(file.string() + ": malformed JSON: ", 0), 0u) << error;
}

TEST(HfBpeErrors, UnsupportedModelType) {
  nlohmann::json doc = tiny_tokenizer_json();
  doc["model"] = {{"type", "WordPiece"}, {"unk_token", "[UNK]"}, {"vocab", {{"[UNK]", 0}, {"a", 1}}}};
  const fs::path file = write_tokenizer("wordpiece", doc.dump());
  const std::string error = creation_error(file);
  EXPECT_EQ(error, file.string() + ": model type 'WordPiece' is not supported (hf-bpe reads byte-level BPE models, type \"BPE\")");
}

TEST(HfBpeErrors, UnsupportedNormalizerAndPreTokenizer) {
  nlohmann::json doc = tiny_tokenizer_json();
  doc["normalizer"] = {{"type", "NFKC"}};
  fs::path file = write_tokenizer("nfkc", doc.dump());
  std::string error = creation_error(file);
  EXPECT_EQ(error.rfind(file.string() + ": normalizer type 'NFKC' is not supported", 0), 0u) << error;

  doc = tiny_tokenizer_json();
  doc["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "\xE2\x96\x81"}};
  file = write_tokenizer("metaspace", doc.dump());
  error = creation_error(file);
  EXPECT_EQ(error.rfind(file.string() + ": pre_tokenizer type 'Metaspace' is not supported", 0), 0u) << error;
}

TEST(HfBpeErrors, MergeOfUnknownTokens) {
  nlohmann::json doc = tiny_tokenizer_json();
  doc["model"]["merges"].push_back("x yz");
  const fs::path file = write_tokenizer("bad-merge", doc.dump());
  const std::string error = creation_error(file);
  EXPECT_NE(error.find("model.merges entry 5 ('x', 'yz') names a token that is not in model.vocab"), std::string::npos)
      << error;
}
