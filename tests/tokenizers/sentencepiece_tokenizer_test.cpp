// tokenizer/sentencepiece against Debian's sentencepiece tools: each test trains a small model with
// spm_train on a corpus it writes, then compares the plugin's ids with spm_encode's and its text
// with spm_decode's. The test process also holds LibTorch (through the SDK), so a passing run
// shows the shim's RTLD_DEEPBIND keeping libsentencepiece's protobuf apart from LibTorch's.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "component_factory.hpp"
#include "process.hpp"
#include "test_paths.hpp"
#include "vlforge/error.hpp"
#include "vlforge/interfaces/tokenizer.hpp"

namespace fs = std::filesystem;
using vlforge::ChatMessage;
using vlforge::Tokenizer;
using vlforge::test::run_command;

namespace {

// A corpus for a 200-piece vocabulary: a few English sentences, then lines of made-up words
// (syllables drawn by a fixed LCG) so that unigram training finds enough candidate pieces.
std::string corpus() {
  const std::vector<std::string> subjects = {"the cat", "a small dog", "my neighbour", "the old captain",
                                             "every student", "a quiet caf\xC3\xA9 owner", "the Z\xC3\xBCrich train"};
  const std::vector<std::string> verbs = {"watches", "paints", "carries", "remembers", "describes", "follows"};
  const std::vector<std::string> objects = {"the red ball", "seven green bottles", "a photograph of the sea",
                                            "the morning newspaper", "an image with a caption", "42 small boxes"};
  std::ostringstream out;
  int n = 0;
  for (const auto& s : subjects)
    for (const auto& v : verbs)
      for (const auto& o : objects) out << s << ' ' << v << ' ' << o << (++n % 3 ? "." : ", quickly!") << '\n';

  const std::vector<std::string> syllables = {"ka", "to", "ri", "mu", "sen", "lo", "pa", "chi", "ver", "na",
                                              "qua", "bel", "dor", "fi", "gru", "hem", "jo", "lix", "mon", "zu"};
  uint64_t state = 12345;
  auto draw = [&state](uint64_t n) {
    state = (state * 1103515245 + 12345) % (uint64_t{1} << 31);
    return static_cast<size_t>(state % n);
  };
  std::vector<std::string> words(400);
  for (auto& w : words)
    for (size_t k = 1 + draw(3); k > 0; --k) w += syllables[draw(syllables.size())];
  for (int line = 0; line < 1500; ++line) {
    for (size_t k = 3 + draw(8), i = 0; i < k; ++i) out << (i ? " " : "") << words[draw(words.size())];
    out << (draw(2) ? "." : "") << '\n';
  }
  return out.str();
}

const std::vector<std::string> kSentences = {
    "the cat watches the red ball.",
    "the quick brown fox jumps over the lazy dog",
    "Hello, World! 123 numbers and punctuation; (brackets) too.",
    "  leading and   repeated   spaces  ",
    "caf\xC3\xA9 na\xC3\xAFve Z\xC3\xBCrich",
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E characters never seen in training",
    "an image with a caption, quickly!",
};

struct TrainedModel {
  fs::path dir;
  fs::path model;
};

// Trains a model of `type` in a folder of its own (tests may run in parallel processes).
TrainedModel train(const std::string& type, const std::vector<std::string>& extra_flags = {}) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "-" + info->name();
  for (char& c : name)
    if (c == '/') c = '-';
  TrainedModel m;
  m.dir = vlforge::test::fresh_dir("sentencepiece/" + name);
  vlforge::test::write_text(m.dir / "corpus.txt", corpus());
  std::vector<std::string> args = {"spm_train", "--input=" + (m.dir / "corpus.txt").string(),
                                   "--model_prefix=" + (m.dir / "m").string(), "--vocab_size=200",
                                   "--model_type=" + type, "--minloglevel=2"};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  const auto result = run_command(args);
  EXPECT_EQ(result.exit_code, 0) << vlforge::test::describe(args) << "\n" << result.output;
  m.model = m.dir / "m.model";
  return m;
}

std::shared_ptr<Tokenizer> make(const fs::path& model, const std::string& extra = "") {
  static vlforge::test::ComponentMaker maker;
  return maker.make<Tokenizer>("use = \"tokenizer/sentencepiece\"\nmodel = '" + model.string() + "'\n" + extra);
}

std::vector<std::vector<int64_t>> parse_id_lines(const std::string& text) {
  std::vector<std::vector<int64_t>> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<int64_t> ids;
    for (int64_t id; words >> id;) ids.push_back(id);
    lines.push_back(ids);
  }
  return lines;
}

// Runs an spm tool on one input line per entry of `lines`; returns its output file's text.
std::string run_spm_tool(const TrainedModel& m, const std::string& tool, const std::string& format_flag,
                         const std::vector<std::string>& lines) {
  std::string input;
  for (const auto& l : lines) input += l + "\n";
  const fs::path in = m.dir / (tool + ".in");
  const fs::path out = m.dir / (tool + ".out");
  vlforge::test::write_text(in, input);
  const std::vector<std::string> args = {tool, "--model=" + m.model.string(), format_flag,
                                         "--input=" + in.string(), "--output=" + out.string()};
  const auto result = run_command(args);
  EXPECT_EQ(result.exit_code, 0) << vlforge::test::describe(args) << "\n" << result.output;
  return vlforge::test::read_text(out);
}

std::string error_of(const fs::path& model) {
  try {
    make(model);
  } catch (const vlforge::Error& e) {
    return e.what();
  }
  return "";
}

class SentencePieceVsSpmTools : public ::testing::TestWithParam<std::string> {};

TEST_P(SentencePieceVsSpmTools, EncodeMatchesSpmEncode) {
  const TrainedModel m = train(GetParam());
  const auto tok = make(m.model);
  const auto expected = parse_id_lines(run_spm_tool(m, "spm_encode", "--output_format=id", kSentences));
  ASSERT_EQ(expected.size(), kSentences.size());
  for (size_t i = 0; i < kSentences.size(); ++i) {
    EXPECT_EQ(tok->encode(kSentences[i]), expected[i]) << kSentences[i];
    EXPECT_FALSE(expected[i].empty());
  }
}

TEST_P(SentencePieceVsSpmTools, DecodeMatchesSpmDecode) {
  const TrainedModel m = train(GetParam());
  const auto tok = make(m.model);
  std::vector<std::string> id_lines;
  std::vector<std::vector<int64_t>> encoded;
  for (const auto& s : kSentences) {
    encoded.push_back(tok->encode(s));
    std::string line;
    for (int64_t id : encoded.back()) line += (line.empty() ? "" : " ") + std::to_string(id);
    id_lines.push_back(line);
  }
  std::istringstream decoded(run_spm_tool(m, "spm_decode", "--input_format=id", id_lines));
  for (size_t i = 0; i < kSentences.size(); ++i) {
    std::string expected;
    std::getline(decoded, expected);
    EXPECT_EQ(tok->decode(encoded[i]), expected) << kSentences[i];
  }
  // Text the vocabulary covers comes back unchanged.
  EXPECT_EQ(tok->decode(tok->encode(kSentences[0])), kSentences[0]);
  EXPECT_EQ(tok->decode(tok->encode(kSentences[1])), kSentences[1]);
}

INSTANTIATE_TEST_SUITE_P(Tokenizer, SentencePieceVsSpmTools, ::testing::Values("unigram", "bpe"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace

TEST(SentencePiece, SpecialIdsAndPieces) {
  const TrainedModel m = train("unigram");
  const auto tok = make(m.model);
  EXPECT_EQ(tok->vocab_size(), 200);
  EXPECT_EQ(tok->bos_id(), 1);  // spm_train's defaults: unk 0, bos 1, eos 2, no pad
  EXPECT_EQ(tok->eos_id(), 2);
  EXPECT_EQ(tok->pad_id(), 2);  // no pad piece: falls back to eos
  EXPECT_EQ(tok->token_to_id("<unk>"), 0);
  EXPECT_EQ(tok->token_to_id("</s>"), 2);
  EXPECT_EQ(tok->id_to_token(1), "<s>");
  EXPECT_FALSE(tok->token_to_id("no-such-piece").has_value());
  EXPECT_THROW(tok->id_to_token(200), vlforge::Error);
  EXPECT_THROW(tok->decode(std::vector<int64_t>{-1}), vlforge::Error);
}

TEST(SentencePiece, ControlPiecesInTextMapToTheirIds) {
  const TrainedModel m = train("unigram", {"--control_symbols=<sep>"});
  const auto tok = make(m.model);
  const auto sep = tok->token_to_id("<sep>");
  ASSERT_TRUE(sep.has_value());
  const std::vector<int64_t> ids = tok->encode("the cat<sep>the dog</s>");
  std::vector<int64_t> expected = tok->encode("the cat");
  expected.push_back(*sep);
  for (int64_t id : tok->encode("the dog")) expected.push_back(id);
  expected.push_back(2);
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(tok->decode(ids), "the cat<sep>the dog</s>");
  EXPECT_EQ(tok->decode(ids, true), "the catthe dog");
}

TEST(SentencePiece, AddBosAndEos) {
  const TrainedModel m = train("bpe");
  const auto plain = make(m.model);
  const auto wrapped = make(m.model, "add_bos = true\nadd_eos = true\n");
  std::vector<int64_t> expected = {1};
  for (int64_t id : plain->encode("the cat")) expected.push_back(id);
  expected.push_back(2);
  EXPECT_EQ(wrapped->encode("the cat"), expected);
  EXPECT_EQ(wrapped->decode(expected, true), "the cat");
}

TEST(SentencePiece, ChatTemplateOnlyWhenChosen) {
  const TrainedModel m = train("unigram", {"--user_defined_symbols=<|im_start|>,<|im_end|>"});
  const std::vector<ChatMessage> conversation = {{"user", "the cat"}};
  try {
    make(m.model)->apply_chat_template(conversation, true);
    FAIL() << "expected an error";
  } catch (const vlforge::Error& e) {
    EXPECT_EQ(std::string(e.what()), "tokenizer/sentencepiece: this tokenizer has no chat template (set chat_format = "
                                     "\"chatml\" to use Qwen's ChatML format)");
  }
  const auto tok = make(m.model, "chat_format = 'chatml'\n");
  const std::string text = tok->apply_chat_template(conversation, true);
  EXPECT_EQ(text, "<|im_start|>user\nthe cat<|im_end|>\n<|im_start|>assistant\n");
  const auto im_start = tok->token_to_id("<|im_start|>");
  ASSERT_TRUE(im_start.has_value());
  const std::vector<int64_t> ids = tok->encode(text);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), *im_start), 2);
}

TEST(SentencePiece, MissingModelIsAnErrorNamingTheFile) {
  const fs::path missing = vlforge::test::fresh_dir("sentencepiece/missing") / "absent.model";
  EXPECT_EQ(error_of(missing), missing.string() +
                                   ": no such SentencePiece model file (set `model` to a .model file written by spm_train)");
}

TEST(SentencePiece, CorruptModelIsAnErrorNamingTheFile) {
  const fs::path bad = vlforge::test::fresh_dir("sentencepiece/corrupt") / "bad.model";
  vlforge::test::write_text(bad, "this is not a protobuf");
  const std::string error = error_of(bad);
  EXPECT_EQ(error.rfind(bad.string() + ": not a SentencePiece model: ", 0), 0u) << error;
}
