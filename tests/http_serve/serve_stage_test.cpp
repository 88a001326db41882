// stage/serve through the executable on a tiny random model, with a real HTTP client: text and
// image completions, a stream that matches the greedy answer, every refused request a 4xx with an
// OpenAI error object after which the server still answers, and SIGTERM ending it with exit 0.
#include <gtest/gtest.h>

#include <boost/beast/core/detail/base64.hpp>
#include <nlohmann/json.hpp>

#include "http_client.hpp"
#include "serve_process.hpp"
#include "test_paths.hpp"
#include "tiny_model.hpp"

namespace fs = std::filesystem;
using namespace vlforge::test;
using nlohmann::json;

namespace {

// An 8x8 binary PPM as a data URI.
std::string ppm_data_uri() {
  std::string ppm = "P6\n8 8\n255\n";
  for (int p = 0; p < 64; ++p) ppm += std::string{'\xdc', '\x10', static_cast<char>(p * 4)};
  std::string b64(boost::beast::detail::base64::encoded_size(ppm.size()), '\0');
  b64.resize(boost::beast::detail::base64::encode(b64.data(), ppm.data(), ppm.size()));
  return "data:image/x-portable-pixmap;base64," + b64;
}

json text_request(const std::string& text, int max_tokens = 12) {
  return {{"model", "tiny"},
          {"messages", json::array({json{{"role", "user"}, {"content", text}}})},
          {"max_tokens", max_tokens},
          {"temperature", 0}};
}

// Each test (its own process under ctest) starts its own server.
class ServeStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path dir =
        fresh_dir(std::string("http-serve-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    model_ = std::make_unique<TinyModel>(write_tiny_model(dir / "model"));
    server_ = std::make_unique<ServeProcess>(dir / "server", model_->folder, model_->stage_keys,
                                             "max_tokens = 32\nmax_prompt_tokens = 200\nmax_body_bytes = 100000\n"
                                             "max_image_bytes = 20000\nthreads = 2\n");
  }

  HttpReply post(const json& body) {
    return http_request(server_->host(), server_->port(), "POST", "/v1/chat/completions", body.dump());
  }
  HttpReply send(const std::string& method, const std::string& target, const std::string& body = "",
                 const std::string& type = "application/json") {
    return http_request(server_->host(), server_->port(), method, target, body, type);
  }

  // The server is still up and answering after a refused request.
  void expect_still_serving() {
    const HttpReply health = send("GET", "/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(json::parse(health.body), json({{"status", "ok"}}));
    const HttpReply answer = post(text_request("still there?", 4));
    EXPECT_EQ(answer.status, 200) << answer.body;
  }

  // A 4xx with {"error": {"message", "type", "code"}}; returns the message.
  std::string expect_error(const HttpReply& reply, int status) {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.content_type, "application/json");
    const json j = json::parse(reply.body);
    EXPECT_TRUE(j.at("error").at("type").is_string());
    EXPECT_TRUE(j.at("error").at("code").is_string());
    expect_still_serving();
    return j.at("error").at("message").get<std::string>();
  }

  std::unique_ptr<TinyModel> model_;
  std::unique_ptr<ServeProcess> server_;
};

}  // namespace

TEST_F(ServeStageTest, HealthAndModels) {
  const HttpReply health = send("GET", "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(json::parse(health.body), json({{"status", "ok"}}));
  const json models = json::parse(send("GET", "/v1/models").body);
  EXPECT_EQ(models["object"], "list");
  EXPECT_EQ(models["data"][0]["id"], model_->folder.string());
}

TEST_F(ServeStageTest, TextCompletionIsWellFormedAndRepeatsGreedily) {
  const HttpReply a = post(text_request("Describe a red square.", 12));
  ASSERT_EQ(a.status, 200) << a.body;
  const json j = json::parse(a.body);
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["id"].get<std::string>().rfind("chatcmpl-", 0), 0u);
  EXPECT_EQ(j["model"], "tiny");
  EXPECT_EQ(j["choices"][0]["index"], 0);
  EXPECT_EQ(j["choices"][0]["message"]["role"], "assistant");
  EXPECT_TRUE(j["choices"][0]["message"]["content"].is_string());
  const std::string finish = j["choices"][0]["finish_reason"];
  EXPECT_TRUE(finish == "stop" || finish == "length") << finish;
  const int64_t completion = j["usage"]["completion_tokens"], prompt = j["usage"]["prompt_tokens"];
  EXPECT_GT(prompt, 0);
  EXPECT_GE(completion, 1);
  EXPECT_LE(completion, 12);
  EXPECT_EQ(j["usage"]["total_tokens"], prompt + completion);
  if (finish == "length") {
    EXPECT_EQ(completion, 12);
  }

  const json again = json::parse(post(text_request("Describe a red square.", 12)).body);
  EXPECT_EQ(again["choices"][0]["message"]["content"], j["choices"][0]["message"]["content"]);
  EXPECT_NE(again["id"], j["id"]);
}

TEST_F(ServeStageTest, ImageInADataUriCountsItsImageTokens) {
  json body = text_request("x");
  body["messages"][0]["content"] = json::array(
      {json{{"type", "image_url"}, {"image_url", {{"url", ppm_data_uri()}}}}, json{{"type", "text"}, {"text", "What colour?"}}});
  const HttpReply with_image = post(body);
  ASSERT_EQ(with_image.status, 200) << with_image.body;
  const HttpReply text_only = post(text_request("What colour?"));
  ASSERT_EQ(text_only.status, 200) << text_only.body;
  // "<image>\n" adds the image's 16 placeholder tokens and the newline's tokens.
  const int64_t with = json::parse(with_image.body)["usage"]["prompt_tokens"];
  const int64_t without = json::parse(text_only.body)["usage"]["prompt_tokens"];
  EXPECT_GE(with - without, 16 + 1);
}

TEST_F(ServeStageTest, StreamConcatenatesToTheGreedyAnswer) {
  const json plain = json::parse(post(text_request("Tell me about the bus.", 20)).body);
  json body = text_request("Tell me about the bus.", 20);
  body["stream"] = true;
  const HttpReply reply = post(body);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "text/event-stream");
  EXPECT_EQ(reply.transfer_encoding, "chunked");
  const std::vector<std::string> events = sse_data(reply.body);
  ASSERT_GE(events.size(), 3u) << reply.body;
  EXPECT_EQ(events.back(), "[DONE]");
  std::string text, finish;
  std::string id;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    const json e = json::parse(events[i]);
    EXPECT_EQ(e["object"], "chat.completion.chunk");
    if (i == 0) {
      EXPECT_EQ(e["choices"][0]["delta"]["role"], "assistant");
      id = e["id"];
    }
    EXPECT_EQ(e["id"], id);
    const json& delta = e["choices"][0]["delta"];
    if (delta.contains("content")) text += delta["content"].get<std::string>();
    if (!e["choices"][0]["finish_reason"].is_null()) {
      EXPECT_EQ(i, events.size() - 2) << "finish_reason before the last chunk";
      finish = e["choices"][0]["finish_reason"];
      EXPECT_EQ(e["usage"]["completion_tokens"], plain["usage"]["completion_tokens"]);
    }
  }
  EXPECT_EQ(text, plain["choices"][0]["message"]["content"].get<std::string>());
  EXPECT_EQ(finish, plain["choices"][0]["finish_reason"].get<std::string>());
}

TEST_F(ServeStageTest, ClientLeavingMidStreamLeavesTheServerServing) {
  json body = text_request("Go on for a while.", 32);
  body["stream"] = true;
  EXPECT_EQ(http_stream_and_hang_up(server_->host(), server_->port(), body.dump()), 200);
  expect_still_serving();
}

TEST_F(ServeStageTest, MalformedJsonIs400) {
  EXPECT_NE(expect_error(send("POST", "/v1/chat/completions", "{\"messages\": [}"), 400).find("malformed JSON"),
            std::string::npos);
}

TEST_F(ServeStageTest, WrongContentTypeIs415) {
  EXPECT_NE(expect_error(send("POST", "/v1/chat/completions", text_request("hi").dump(), "text/plain"), 415)
                .find("application/json"),
            std::string::npos);
}

TEST_F(ServeStageTest, OversizedBodyIs413) {
  json body = text_request(std::string(150000, 'a'));
  EXPECT_NE(expect_error(post(body), 413).find("max_body_bytes"), std::string::npos);
}

TEST_F(ServeStageTest, OversizedImageIs413) {
  json body = text_request("x");
  const std::string big = "data:image/png;base64," + std::string(40000, 'A');
  body["messages"][0]["content"] = json::array({json{{"type", "image_url"}, {"image_url", {{"url", big}}}}});
  EXPECT_NE(expect_error(post(body), 413).find("max_image_bytes"), std::string::npos);
}

TEST_F(ServeStageTest, InvalidBase64Is400) {
  json body = text_request("x");
  body["messages"][0]["content"] =
      json::array({json{{"type", "image_url"}, {"image_url", {{"url", "data:image/png;base64,iVBO!!=="}}}}});
  EXPECT_NE(expect_error(post(body), 400).find("invalid base64"), std::string::npos);
}

TEST_F(ServeStageTest, UndecodableImageAndMarkerMismatchAre400) {
  json body = text_request("x");
  body["messages"][0]["content"] =
      json::array({json{{"type", "image_url"}, {"image_url", {{"url", "data:image/png;base64,AAECAwQF"}}}}});
  EXPECT_NE(expect_error(post(body), 400).find("image 1"), std::string::npos);
  EXPECT_NE(expect_error(post(text_request("a stray <image> marker")), 400).find("<image>"), std::string::npos);
}

TEST_F(ServeStageTest, HttpImageUrlIs400) {
  json body = text_request("x");
  body["messages"][0]["content"] =
      json::array({json{{"type", "image_url"}, {"image_url", {{"url", "https://example.com/cat.png"}}}}});
  EXPECT_NE(expect_error(post(body), 400).find("not fetched"), std::string::npos);
}

TEST_F(ServeStageTest, OverLongPromptIs400SayingHowLong) {
  std::string text;
  for (int i = 0; i < 400; ++i) text += "word ";
  const std::string message = expect_error(post(text_request(text)), 400);
  EXPECT_NE(message.find("over the limit of 200 (max_prompt_tokens)"), std::string::npos) << message;
  EXPECT_NE(message.find("the prompt is "), std::string::npos) << message;
}

TEST_F(ServeStageTest, MaxTokensOverTheServersLimitIs400) {
  EXPECT_NE(expect_error(post(text_request("hi", 33)), 400).find("[1, 32]"), std::string::npos);
}

TEST_F(ServeStageTest, UnknownPathIs404AndWrongMethodIs405) {
  expect_error(send("GET", "/v1/completions"), 404);
  expect_error(send("GET", "/v1/chat/completions"), 405);
  expect_error(send("POST", "/health", "{}"), 405);
}

TEST_F(ServeStageTest, SigtermEndsTheServerWithExitZero) {
  ASSERT_EQ(post(text_request("one answer first", 4)).status, 200);
  EXPECT_EQ(server_->terminate(), 0) << server_->output();
  EXPECT_NE(server_->output().find("serving on http://127.0.0.1:"), std::string::npos) << server_->output();
}
