// parse_chat_request: what a POST /v1/chat/completions body becomes, and the status and field
// named for each body the server refuses.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api_error.hpp"
#include "chat_request.hpp"
#include "data_uri.hpp"

using namespace vlforge::serve;
using nlohmann::json;

namespace {

const RequestLimits kLimits{64, 16, 100};

// "P6\n1 1\n255\n" + one red pixel, and its base64.
const std::string kPpm = std::string("P6\n1 1\n255\n") + std::string("\xff\x00\x00", 3);
const std::string kPpmBase64 = "UDYKMSAxCjI1NQr/AAA=";

json image_part(const std::string& url) { return {{"type", "image_url"}, {"image_url", {{"url", url}}}}; }

json body_with(json fields) {
  json j{{"model", "m"}, {"messages", json::array({json{{"role", "user"}, {"content", "hi"}}})}};
  for (auto& [k, v] : fields.items()) j[k] = v;
  return j;
}

// The status and message of the ApiError the body raises (0 when it parses).
std::pair<int, std::string> refusal(const std::string& body) {
  try {
    parse_chat_request(body, kLimits);
  } catch (const ApiError& e) {
    return {e.status(), e.what()};
  }
  return {0, ""};
}

}  // namespace

TEST(ChatRequest, StringContentAndDefaults) {
  const ChatRequest r = parse_chat_request(
      json{{"model", "tiny"},
           {"messages", json::array({json{{"role", "system"}, {"content", "be brief"}},
                                     json{{"role", "user"}, {"content", "hello"}}})}}
          .dump(),
      kLimits);
  EXPECT_EQ(r.model, "tiny");
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].role, "system");
  EXPECT_EQ(r.messages[0].content, "be brief");
  EXPECT_EQ(r.messages[1].content, "hello");
  EXPECT_TRUE(r.images.empty());
  EXPECT_EQ(r.max_tokens, 16);
  EXPECT_EQ(r.sampling.temperature, 1.0);
  EXPECT_FALSE(r.stream);
  EXPECT_TRUE(r.sampling.stop.empty());
}

TEST(ChatRequest, PartsBecomeTextWithImageMarkersInOrder) {
  const json content = json::array({json{{"type", "text"}, {"text", "first"}}, image_part("data:image/x-portable-pixmap;base64," + kPpmBase64),
                                    json{{"type", "text"}, {"text", "then"}}, image_part("data:image/png;base64,AAEC")});
  const ChatRequest r = parse_chat_request(
      json{{"messages", json::array({json{{"role", "user"}, {"content", content}}})}}.dump(), kLimits);
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].content, "first\n<image>\nthen\n<image>");
  ASSERT_EQ(r.images.size(), 2u);
  EXPECT_EQ(std::string(r.images[0].begin(), r.images[0].end()), kPpm);
  EXPECT_EQ(r.images[1], (std::vector<uint8_t>{0, 1, 2}));
}

TEST(ChatRequest, SamplingStopStreamAndMaxTokens) {
  ChatRequest r = parse_chat_request(
      body_with({{"max_tokens", 64}, {"temperature", 0}, {"top_p", 0.5}, {"seed", 9}, {"stop", "\n\n"}, {"stream", true}})
          .dump(),
      kLimits);
  EXPECT_EQ(r.max_tokens, 64);
  EXPECT_TRUE(r.sampling.greedy());
  EXPECT_EQ(r.sampling.top_p, 0.5);
  EXPECT_EQ(r.sampling.seed, 9u);
  EXPECT_EQ(r.sampling.stop, (std::vector<std::string>{"\n\n"}));
  EXPECT_TRUE(r.stream);

  r = parse_chat_request(body_with({{"max_completion_tokens", 1}, {"stop", {"a", "bc"}}}).dump(), kLimits);
  EXPECT_EQ(r.max_tokens, 1);
  EXPECT_EQ(r.sampling.stop, (std::vector<std::string>{"a", "bc"}));
}

TEST(ChatRequest, BatchingKeyGroupsGreedyRowsWhateverTheirSeed) {
  Sampling greedy_a{0, 1, 1, {}}, greedy_b{0, 0.3, 7, {}}, sampled_a{0.7, 1, 1, {}}, sampled_b{0.7, 1, 2, {}};
  EXPECT_TRUE(greedy_a.batches_with(greedy_b));
  EXPECT_FALSE(greedy_a.batches_with(sampled_a));
  EXPECT_TRUE(sampled_a.batches_with(Sampling{0.7, 1, 1, {}}));
  EXPECT_FALSE(sampled_a.batches_with(sampled_b));
  EXPECT_FALSE(greedy_a.batches_with(Sampling{0, 1, 1, {"x"}}));
}

TEST(ChatRequest, RefusedBodiesNameTheirStatusAndField) {
  struct Case {
    std::string body;
    int status;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"{\"messages\": [", 400, "malformed JSON"},
      {"[1, 2]", 400, "expected a JSON object"},
      {json{{"model", "m"}}.dump(), 400, "messages: missing"},
      {json{{"messages", json::array()}}.dump(), 400, "non-empty list"},
      {json{{"messages", json::array({json{{"role", "robot"}, {"content", "x"}}})}}.dump(), 400,
       "messages[0].role: unsupported role 'robot'"},
      {json{{"messages", json::array({json{{"role", "user"}}})}}.dump(), 400, "messages[0].content: missing"},
      {json{{"messages", json::array({json{{"role", "user"}, {"content", 5}}})}}.dump(), 400,
       "expected a string or a list of content parts"},
      {json{{"messages", json::array({json{{"role", "user"}, {"content", json::array({json{{"type", "audio"}}})}}})}}.dump(),
       400, "unsupported content part type 'audio'"},
      {json{{"messages", json::array({json{{"role", "user"}, {"content", json::array({image_part("http://x/cat.png")})}}})}}
           .dump(),
       400, "image URLs are not fetched"},
      {json{{"messages", json::array({json{{"role", "user"}, {"content", json::array({image_part("data:image/png;base64,AB$=")})}}})}}
           .dump(),
       400, "messages[0].content[0].image_url.url: invalid base64"},
      {json{{"messages", json::array({json{{"role", "user"}, {"content", json::array({image_part("data:image/png,abc")})}}})}}
           .dump(),
       400, "only base64 data URIs"},
      {json{{"messages", json::array({json{{"role", "user"}, {"content", json::array({image_part("data:image/png;base64," + std::string(200, 'A'))})}}})}}
           .dump(),
       413, "max_image_bytes"},
      {body_with({{"max_tokens", 0}}).dump(), 400, "max_tokens: 0 is out of range [1, 64]"},
      {body_with({{"max_tokens", 65}}).dump(), 400, "max_tokens: 65 is out of range [1, 64]"},
      {body_with({{"max_tokens", "10"}}).dump(), 400, "max_tokens: expected an integer"},
      {body_with({{"temperature", -1}}).dump(), 400, "temperature"},
      {body_with({{"top_p", 0}}).dump(), 400, "top_p"},
      {body_with({{"seed", -3}}).dump(), 400, "seed"},
      {body_with({{"stop", 3}}).dump(), 400, "stop: expected a string or a list of strings"},
      {body_with({{"stop", {"ok", 1}}}).dump(), 400, "stop[1]"},
      {body_with({{"stream", "yes"}}).dump(), 400, "stream"},
      {body_with({{"n", 2}}).dump(), 400, "n = 1"},
  };
  for (const Case& c : cases) {
    const auto [status, message] = refusal(c.body);
    EXPECT_EQ(status, c.status) << c.body;
    EXPECT_NE(message.find(c.says), std::string::npos) << c.body << " -> " << message;
  }
}

TEST(DataUri, StrictBase64) {
  EXPECT_EQ(decode_base64("aGVsbG8=", "x"), (std::vector<uint8_t>{'h', 'e', 'l', 'l', 'o'}));
  EXPECT_EQ(decode_base64("aGk=", "x"), (std::vector<uint8_t>{'h', 'i'}));
  EXPECT_EQ(decode_base64("YWJj", "x"), (std::vector<uint8_t>{'a', 'b', 'c'}));
  for (const char* bad : {"", "aGk", "aG=k", "a===", "aGk*", "aGVs bG8="}) EXPECT_THROW(decode_base64(bad, "x"), ApiError) << bad;
}

TEST(DataUri, SizeLimitCountsDecodedBytes) {
  // 100 decoded bytes pass a 100-byte limit, 101 do not.
  const std::string hundred = "data:image/png;base64," + std::string(132, 'A') + "AA==";
  EXPECT_EQ(decode_data_uri(hundred, 100, "x").size(), 100u);
  try {
    decode_data_uri(hundred, 99, "img");
    FAIL() << "an image over the limit passed";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 413);
    EXPECT_NE(std::string(e.what()).find("over the limit of 99 (max_image_bytes)"), std::string::npos) << e.what();
  }
}
