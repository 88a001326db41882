// vlforge::Assistant on a tiny random model: prompts with images, batched generation that equals
// one prompt at a time, streaming that adds up to the answer, option scores that equal an
// unpadded forward pass.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <ATen/core/grad_mode.h>

#include "component_factory.hpp"
#include "test_paths.hpp"
#include "tiny_model.hpp"
#include "vlforge/assistant.hpp"
#include "vlforge/error.hpp"
#include "vlforge/interfaces/image_codec.hpp"

namespace fs = std::filesystem;
using namespace vlforge;
using namespace vlforge::test;

namespace {

struct Fixture {
  ComponentMaker maker;
  std::unique_ptr<Assistant> assistant;
  std::vector<uint8_t> red_png, blue_png;

  explicit Fixture(const std::string& name) {
    const TinyModel tiny = write_tiny_model(fresh_dir(name) / "model");
    assistant = Assistant::load(tiny_assistant_config(tiny, maker), maker.context());
    auto codec = maker.make<ImageCodec>("use = \"image_codec/stb\"");
    at::Tensor red = at::zeros({20, 24, 3}, at::kByte), blue = at::zeros({32, 32, 3}, at::kByte);
    red.select(2, 0).fill_(220);
    blue.select(2, 2).fill_(200);
    red_png = codec->encode(red, "png");
    blue_png = codec->encode(blue, "png");
  }

  ChatPrompt ask(const std::string& text, std::vector<std::vector<uint8_t>> images = {}) const {
    ChatPrompt p;
    p.messages = {{"user", text}};
    for (auto& bytes : images) p.images.push_back(ImageInput::from_bytes(std::move(bytes)));
    return p;
  }
};

GenerationConfig greedy(int64_t tokens) {
  GenerationConfig g;
  g.max_new_tokens = tokens;
  return g;
}

}  // namespace

TEST(Assistant, EncodesEachImageMarkerAsItsTokensAndRefusesACountMismatch) {
  Fixture f("assistant-encode");
  const EncodedPrompt p = f.assistant->encode(f.ask("<image>\nWhat colour? <image>", {f.red_png, f.blue_png}));
  const int64_t placeholder = f.assistant->model().options().image_token_id;
  EXPECT_EQ(std::count(p.ids.begin(), p.ids.end(), placeholder), 2 * 16);
  ASSERT_TRUE(p.pixel_values.defined());
  EXPECT_EQ(p.pixel_values.sizes(), at::IntArrayRef({2, 3, 32, 32}));
  // Without the chat template, the text is encoded as it is.
  ChatPrompt raw = f.ask("Question: a Short answer:");
  raw.raw = true;
  EXPECT_EQ(f.assistant->encode(raw).ids, f.assistant->tokenizer().encode("Question: a Short answer:"));

  try {
    f.assistant->encode(f.ask("<image> and <image>", {f.red_png}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("marks 2 image(s) with <image> but 1 image(s) were given"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(f.assistant->encode(f.ask("<image>", {{1, 2, 3}})), Error);
}

TEST(Assistant, ABatchAnswersAsEachPromptAlone) {
  Fixture f("assistant-batch");
  const std::vector<ChatPrompt> prompts = {f.ask("<image>\nWhat colour is it?", {f.red_png}), f.ask("Say something."),
                                           f.ask("<image>\nAnd this one, in a longer question?", {f.blue_png})};
  const std::vector<Reply> together = f.assistant->generate(std::span<const ChatPrompt>(prompts), greedy(10));
  ASSERT_EQ(together.size(), 3u);
  for (size_t i = 0; i < prompts.size(); ++i) {
    const std::vector<Reply> alone = f.assistant->generate(std::span<const ChatPrompt>(&prompts[i], 1), greedy(10));
    EXPECT_EQ(together[i].tokens, alone.front().tokens) << "prompt " << i;
    EXPECT_EQ(together[i].text, alone.front().text) << "prompt " << i;
    EXPECT_EQ(together[i].prompt_tokens, static_cast<int64_t>(f.assistant->encode(prompts[i]).ids.size()));
  }
}

TEST(Assistant, StreamedPiecesAddUpToTheAnswerAndAFalseReturnCancelsTheRow) {
  Fixture f("assistant-stream");
  const std::vector<ChatPrompt> prompts = {f.ask("<image>\nDescribe it.", {f.red_png}), f.ask("Count to ten.")};
  std::vector<std::string> streamed(2);
  const std::vector<Reply> replies = f.assistant->generate(
      std::span<const ChatPrompt>(prompts), greedy(12), [&](size_t row, std::string_view delta) {
        streamed[row] += delta;
        return true;
      });
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(streamed[i], replies[i].text) << "row " << i;

  size_t calls = 0;
  const std::vector<Reply> cancelled = f.assistant->generate(std::span<const ChatPrompt>(prompts), greedy(12),
                                                             [&](size_t row, std::string_view) {
                                                               if (row == 0) ++calls;
                                                               return row != 0;
                                                             });
  EXPECT_EQ(cancelled[0].finish, FinishReason::cancelled);
  EXPECT_LE(calls, 1u);
  EXPECT_EQ(cancelled[1].tokens, replies[1].tokens);  // the other row is not affected
}

TEST(Assistant, OptionScoresEqualTheLogProbabilitiesOfAnUnpaddedForwardPass) {
  Fixture f("assistant-options");
  const ChatPrompt prompt = f.ask("<image>\nWhich colour? A. red B. blue", {f.red_png});
  const std::vector<std::string> options = {"A", "B", "red and blue"};
  const std::vector<double> scores = f.assistant->score_options(prompt, options);
  ASSERT_EQ(scores.size(), 3u);

  at::NoGradGuard no_grad;
  const EncodedPrompt p = f.assistant->encode(prompt);
  for (size_t o = 0; o < options.size(); ++o) {
    std::vector<int64_t> ids = p.ids;
    const std::vector<int64_t> tail = f.assistant->tokenizer().encode(options[o]);
    ids.insert(ids.end(), tail.begin(), tail.end());
    MultimodalInput in;
    in.input_ids = at::tensor(ids, at::kLong).unsqueeze(0);
    in.pixel_values = p.pixel_values;
    const at::Tensor logprobs = f.assistant->model().forward(in).lm.logits[0].log_softmax(-1);
    double expected = 0;
    for (size_t i = 0; i < tail.size(); ++i) expected += logprobs[static_cast<int64_t>(p.ids.size() + i) - 1][tail[i]].item<double>();
    EXPECT_NEAR(scores[o], expected, 1e-4 * std::max(1.0, std::abs(expected))) << options[o];
    EXPECT_LT(scores[o], 0.0);
  }
}

TEST(Assistant, ARowWithASmallerBudgetEndsAtItExactlyAndStreamsOnlyThat) {
  Fixture f("assistant-budget");
  const std::vector<ChatPrompt> prompts = {f.ask("Count to ten."), f.ask("<image>\nDescribe it.", {f.red_png})};
  const std::vector<Reply> full = f.assistant->generate(std::span<const ChatPrompt>(prompts), greedy(10));
  std::vector<EncodedPrompt> encoded = {f.assistant->encode(prompts[0]), f.assistant->encode(prompts[1])};
  encoded[0].max_new_tokens = 3;
  std::vector<std::string> streamed(2);
  const std::vector<Reply> budgeted = f.assistant->generate(std::span<const EncodedPrompt>(encoded), greedy(10),
                                                            [&](size_t row, std::string_view delta) {
                                                              streamed[row] += delta;
                                                              return true;
                                                            });
  ASSERT_GE(full[0].tokens.size(), 3u);
  EXPECT_EQ(budgeted[0].tokens, std::vector<int64_t>(full[0].tokens.begin(), full[0].tokens.begin() + 3));
  EXPECT_EQ(budgeted[0].finish, FinishReason::length);
  EXPECT_EQ(streamed[0], budgeted[0].text);
  EXPECT_EQ(budgeted[1].tokens, full[1].tokens);  // the other row runs to the batch's budget
  EXPECT_EQ(streamed[1], full[1].text);
}
