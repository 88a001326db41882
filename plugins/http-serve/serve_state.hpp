// What every connection of the server shares: the model, the generation queue, the limits and
// the counts of requests being served.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "chat_request.hpp"
#include "generation_queue.hpp"
#include "vlforge/assistant.hpp"

namespace vlforge::serve {

struct ServeState {
  Assistant& assistant;
  GenerationQueue& queue;
  std::string model_name;  // what /v1/models lists and responses name
  RequestLimits limits;
  size_t max_body_bytes = 8u << 20;
  int64_t max_prompt_tokens = 0;
  int64_t max_concurrency = 64;

  std::atomic<int64_t> active{0};     // chat requests accepted and still generating (max_concurrency)
  std::atomic<int64_t> answering{0};  // chat requests accepted whose response is not yet written
  std::atomic<bool> stopping{false};
};

}  // namespace vlforge::serve
