// The response bodies: chat.completion, the SSE chunk events of a stream and the error object.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api_error.hpp"
#include "chat_response.hpp"

using namespace vlforge::serve;
using nlohmann::json;

namespace {

// The JSON of one SSE event, checking its framing.
json event_json(const std::string& event) {
  EXPECT_EQ(event.rfind("data: ", 0), 0u) << event;
  EXPECT_EQ(event.substr(event.size() - 2), "\n\n") << event;
  return json::parse(event.substr(6, event.size() - 8));
}

const CompletionId kId{"chatcmpl-abc", 1700000000, "tiny"};

}  // namespace

TEST(ChatResponse, CompletionBody) {
  const json j = json::parse(completion_body(kId, "Hello \"you\"\n", "length", Usage{12, 5}));
  EXPECT_EQ(j, json::parse(R"({"id": "chatcmpl-abc", "object": "chat.completion", "created": 1700000000, "model": "tiny",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello \"you\"\n"}, "finish_reason": "length"}],
    "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}})"));
}

TEST(ChatResponse, StreamEvents) {
  const json role = event_json(role_chunk_event(kId));
  EXPECT_EQ(role["object"], "chat.completion.chunk");
  EXPECT_EQ(role["id"], "chatcmpl-abc");
  EXPECT_EQ(role["created"], 1700000000);
  EXPECT_EQ(role["choices"][0]["delta"]["role"], "assistant");
  EXPECT_TRUE(role["choices"][0]["finish_reason"].is_null());

  const json content = event_json(content_chunk_event(kId, "line one\nline \"two\""));
  EXPECT_EQ(content["choices"][0]["delta"], json({{"content", "line one\nline \"two\""}}));
  EXPECT_TRUE(content["choices"][0]["finish_reason"].is_null());

  const json finish = event_json(finish_chunk_event(kId, "stop", Usage{3, 4}));
  EXPECT_EQ(finish["choices"][0]["delta"], json::object());
  EXPECT_EQ(finish["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(finish["usage"]["total_tokens"], 7);

  EXPECT_EQ(kSseDone, "data: [DONE]\n\n");
  // A newline inside the text stays escaped: an event is one line.
  const std::string e = content_chunk_event(kId, "a\n\nb");
  EXPECT_EQ(e.find('\n'), e.size() - 2);
}

TEST(ChatResponse, ErrorBodiesAreOpenAIShaped) {
  EXPECT_EQ(json::parse(error_body(429, "busy")),
            json::parse(R"({"error": {"message": "busy", "type": "rate_limit_error", "code": "too_many_requests"}})"));
  const ApiError e(413, "messages[0].content[1].image_url.url", "too big");
  EXPECT_EQ(json::parse(e.body())["error"]["message"], "messages[0].content[1].image_url.url: too big");
  EXPECT_EQ(json::parse(e.body())["error"]["type"], "invalid_request_error");
  EXPECT_EQ(json::parse(e.body())["error"]["code"], "payload_too_large");
}

TEST(ChatResponse, IdsDiffer) {
  const CompletionId a = new_completion_id("m"), b = new_completion_id("m");
  EXPECT_EQ(a.id.rfind("chatcmpl-", 0), 0u);
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(a.model, "m");
}
