// 64 concurrent clients against stage/serve on a tiny random model, each asking again as soon as
// it is answered: every request is answered 200 with a well-formed completion (a slot is free
// before its client can ask again), and batching does not change a greedy answer.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "load_client.hpp"
#include "serve_process.hpp"
#include "test_paths.hpp"
#include "tiny_model.hpp"

using namespace vlforge::test;
using nlohmann::json;

namespace {

const char* kPrompts[] = {"Describe the picture.", "What is on the table?", "Name three colours.",
                          "Count to five.", "Is the sky blue?", "Tell a short story."};

std::string body(int i) {
  return json{{"model", "tiny"},
              {"messages", json::array({json{{"role", "user"}, {"content", kPrompts[i % 6]}}})},
              {"max_tokens", 8 + i % 3 * 4},
              {"temperature", 0}}
      .dump();
}

}  // namespace

TEST(ServeLoad, SixtyFourConcurrentRequestsAreAllAnswered) {
  const auto dir = fresh_dir("http-serve-load");
  const TinyModel model = write_tiny_model(dir / "model");
  ServeProcess server(dir / "server", model.folder, model.stage_keys,
                      "max_tokens = 16\nmax_concurrency = 64\nmax_batch = 16\nbatch_wait_ms = 20\n");
  constexpr int kClients = 64, kRequests = 3;
  const LoadResult load = run_load(server.host(), server.port(), kClients, kRequests, body);
  EXPECT_TRUE(load.failures.empty()) << load.failures.front();

  // The same prompt and budget, asked alone, gives the same greedy answer.
  std::map<int, std::string> alone;
  for (int k = 0; k < 6 * 3; ++k) {
    const HttpReply reply = http_request(server.host(), server.port(), "POST", "/v1/chat/completions", body(k));
    ASSERT_EQ(reply.status, 200) << reply.body;
    alone[k] = json::parse(reply.body)["choices"][0]["message"]["content"];
  }
  for (int i = 0; i < kClients * kRequests; ++i) {
    const HttpReply& reply = load.replies[static_cast<size_t>(i)];
    ASSERT_EQ(reply.status, 200) << "request " << i << ": " << reply.body;
    const json j = json::parse(reply.body);
    EXPECT_EQ(j["object"], "chat.completion");
    EXPECT_EQ(j["choices"][0]["message"]["role"], "assistant");
    const int64_t tokens = j["usage"]["completion_tokens"];
    EXPECT_GE(tokens, 1);
    EXPECT_LE(tokens, 8 + i % 3 * 4) << "request " << i;
    EXPECT_EQ(j["choices"][0]["message"]["content"], alone[i % 18]) << "request " << i;
  }
  EXPECT_EQ(server.terminate(), 0) << server.output();
}
