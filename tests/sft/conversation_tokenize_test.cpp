// One LLaVA sample parsed and tokenised: roles and images as written, each bad form of a sample
// named by its reason, and the loss mask holding exactly the assistant turns (content and
// end-of-turn token) in Qwen's ChatML and in a template of another shape.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sft_test_data.hpp"
#include "vlforge/conversation_data.hpp"
#include "vlforge/error.hpp"

namespace vlforge {
namespace {

using test::llava_sample;
using test::qwen_tokenizer;

std::vector<int64_t> cat(std::vector<int64_t> a, const std::vector<int64_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<int64_t> masked(const ConversationTokens& t, uint8_t flag) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < t.ids.size(); ++i)
    if (t.loss_mask[i] == flag) out.push_back(t.ids[i]);
  return out;
}

Conversation parsed(const std::string& json) {
  Conversation c;
  const auto problem = parse_conversation(json, c);
  EXPECT_FALSE(problem) << problem->reason << ": " << problem->detail;
  return c;
}

TEST(ParseConversation, MapsLlavaAndChatRolesAndReadsImages) {
  const Conversation c = parsed(llava_sample("a1", {"x/1.jpg", "2.png"},
                                             {{"system", "Be brief."},
                                              {"human", "<image><image>\nCompare."},
                                              {"gpt", "Same."},
                                              {"user", "Sure?"},
                                              {"assistant", "Yes."}}));
  EXPECT_EQ(c.id, "a1");
  EXPECT_EQ(c.images, (std::vector<std::string>{"x/1.jpg", "2.png"}));
  ASSERT_EQ(c.messages.size(), 5U);
  const std::vector<std::string> roles{"system", "user", "assistant", "user", "assistant"};
  for (size_t i = 0; i < roles.size(); ++i) EXPECT_EQ(c.messages[i].role, roles[i]) << i;
  EXPECT_EQ(c.messages[1].content, "<image><image>\nCompare.");

  const Conversation one = parsed(R"({"id": 7, "image": "a.jpg", "conversations": [
      {"from": "human", "value": "<image>\nHi"}, {"from": "gpt", "value": "Hello"}]})");
  EXPECT_EQ(one.id, "7");
  EXPECT_EQ(one.images, std::vector<std::string>{"a.jpg"});

  const Conversation text = parsed(llava_sample("t", {}, {{"human", "2+2?"}, {"gpt", "4"}}));
  EXPECT_TRUE(text.images.empty());
}

TEST(ParseConversation, NamesTheReasonOfEachBadSample) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"id": "x", "conversations": [)", "invalid json"},
      {R"([1, 2])", "not an object"},
      {"{\"id\": \"\xff\xfe\", \"conversations\": []}", "invalid utf-8"},
      {R"({"id": "x"})", "empty conversation"},
      {R"({"id": "x", "conversations": []})", "empty conversation"},
      {R"({"id": "x", "conversations": {"from": "human"}})", "invalid sample"},
      {R"({"id": "x", "image": 5, "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "a"}]})",
       "invalid sample"},
      {R"({"id": "x", "conversations": [{"from": "human"}, {"from": "gpt", "value": "a"}]})", "invalid sample"},
      {R"({"id": "x", "conversations": [{"from": "robot", "value": "q"}, {"from": "gpt", "value": "a"}]})",
       "unknown role"},
      {R"({"id": "x", "conversations": [{"from": "human", "value": "q"}, {"from": "human", "value": "a"}]})",
       "no assistant turn"},
      {R"({"id": "x", "image": "a.jpg", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]})",
       "image count mismatch"},
      {R"({"id": "x", "conversations": [{"from": "human", "value": "<image> q"}, {"from": "gpt", "value": "a"}]})",
       "image count mismatch"},
  };
  for (const auto& [json, reason] : cases) {
    Conversation c;
    const auto problem = parse_conversation(json, c);
    ASSERT_TRUE(problem) << json;
    EXPECT_EQ(problem->reason, reason) << json << ": " << problem->detail;
    EXPECT_FALSE(problem->detail.empty()) << json;
  }
}

TEST(TokenizeConversation, LossFallsOnTheAssistantTurnsAndTheirEndOfTurnOnly) {
  const auto& tok = *qwen_tokenizer();
  const int64_t image = tok.vocab_size();
  const Conversation c = parsed(llava_sample("s", {"a.jpg"},
                                             {{"system", "You are helpful."},
                                              {"human", "<image>\nWhat colour is the cup?"},
                                              {"gpt", "The cup is red."},
                                              {"human", "And the table?"},
                                              {"gpt", "Wooden, light brown."}}));
  const ConversationTokens t = tokenize_conversation(tok, c, image, 5);

  const std::vector<int64_t> answers =
      cat(tok.encode("The cup is red.<|im_end|>"), tok.encode("Wooden, light brown.<|im_end|>"));
  EXPECT_EQ(masked(t, 1), answers);

  // Everything else is the template around them: system, user turns with the placeholder where
  // <image> was, the assistant headers and the newlines after each <|im_end|>.
  const std::vector<int64_t> before_image = tok.encode("<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\n");
  std::vector<int64_t> expected = before_image;
  expected.push_back(image);
  expected = cat(expected, tok.encode("\nWhat colour is the cup?<|im_end|>\n<|im_start|>assistant\n"));
  const std::vector<int64_t> first_answer = tok.encode("The cup is red.<|im_end|>");
  expected = cat(expected, first_answer);
  expected = cat(expected, tok.encode("\n<|im_start|>user\nAnd the table?<|im_end|>\n<|im_start|>assistant\n"));
  expected = cat(expected, tok.encode("Wooden, light brown.<|im_end|>"));
  expected = cat(expected, tok.encode("\n"));
  EXPECT_EQ(t.ids, expected);
  ASSERT_EQ(t.loss_mask.size(), t.ids.size());
  EXPECT_EQ(t.loss_mask[before_image.size()], 0);  // the placeholder
  EXPECT_EQ(t.images, 1);
  EXPECT_EQ(t.length, static_cast<int64_t>(t.ids.size()) + 4);

  // The rendering, placeholder put back as <image>, is the template's text.
  std::string text;
  for (int64_t id : t.ids) text += id == image ? std::string(kImageMarker) : tok.decode(std::vector<int64_t>{id});
  EXPECT_EQ(text, tok.apply_chat_template(c.messages, false));
}

TEST(TokenizeConversation, EachImageMarkerBecomesOnePlaceholderWhereItStood) {
  const auto& tok = *qwen_tokenizer();
  const int64_t image = tok.vocab_size();
  const Conversation c =
      parsed(llava_sample("s", {"a.jpg", "b.jpg"}, {{"human", "Left <image> right <image>?"}, {"gpt", "Two cats."}}));
  const ConversationTokens t = tokenize_conversation(tok, c, image, 729);
  std::vector<int64_t> expected = tok.encode("<|im_start|>user\nLeft ");
  expected.push_back(image);
  expected = cat(expected, tok.encode(" right "));
  expected.push_back(image);
  expected = cat(expected, tok.encode("?<|im_end|>\n<|im_start|>assistant\n"));
  expected = cat(expected, tok.encode("Two cats.<|im_end|>"));
  expected = cat(expected, tok.encode("\n"));
  EXPECT_EQ(t.ids, expected);
  EXPECT_EQ(t.images, 2);
  EXPECT_EQ(t.length, static_cast<int64_t>(t.ids.size()) + 2 * 728);
  EXPECT_EQ(masked(t, 1), tok.encode("Two cats.<|im_end|>"));
}

TEST(TokenizeConversation, CutsTheAssistantTurnsOutOfAnyTemplateThatExtendsItself) {
  test::ByteTokenizer tok;
  const Conversation c = parsed(llava_sample("s", {}, {{"human", "hi"}, {"gpt", "yo"}, {"human", "q"}, {"gpt", "a"}}));
  const ConversationTokens t = tokenize_conversation(tok, c, 1000, 3);
  EXPECT_EQ(tok.decode(masked(t, 1), false), "yo</s>a</s>");
  EXPECT_EQ(tok.decode(t.ids, false), "[user] hi</s>[assistant] yo</s>[user] q</s>[assistant] a</s>");

  tok.broken_prompt = true;
  EXPECT_THROW(tokenize_conversation(tok, c, 1000, 3), Error);
}

}  // namespace
}  // namespace vlforge
