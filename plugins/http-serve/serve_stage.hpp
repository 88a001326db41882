// stage/serve: an OpenAI-compatible HTTP server (POST /v1/chat/completions, GET /v1/models,
// GET /health) answering with a trained model, until SIGINT/SIGTERM or for duration_s seconds.
// Concurrent requests are batched into shared decoding steps on one generation thread.
#pragma once

#include <cstdint>
#include <string>

#include "vlforge/assistant.hpp"
#include "vlforge/interfaces/stage.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::serve {

struct ServeStageConfig : AssistantConfig {
  std::string host = "127.0.0.1";
  int64_t port = 8000;  // 0: any free port (server.json says which)
  int64_t max_body_bytes = 8 << 20;
  int64_t max_image_bytes = 4 << 20;  // per decoded data URI
  int64_t max_tokens = 512;           // the most a request may ask for
  int64_t default_max_tokens = 128;   // when a request asks for none (at most max_tokens)
  int64_t max_prompt_tokens = 0;      // 0: context_length - max_tokens
  int64_t max_concurrency = 64;       // requests served or queued at once; more get 429
  int64_t max_batch = 16;
  int64_t batch_wait_ms = 5;
  bool batching = true;  // false: one request per generate() call
  int64_t threads = 2;   // IO threads
  double duration_s = 0; // 0: until SIGINT/SIGTERM
};

Schema<ServeStageConfig> serve_stage_schema();

class ServeStage final : public Stage {
 public:
  explicit ServeStage(ServeStageConfig cfg) : cfg_(std::move(cfg)) {}
  void run(Context& ctx) override;

 private:
  ServeStageConfig cfg_;
};

}  // namespace vlforge::serve
