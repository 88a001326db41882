// A POST /v1/chat/completions body, parsed and checked: the messages with "<image>" markers where
// image parts were, the decoded images, and the generation settings within the server's limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge::serve {

struct RequestLimits {
  int64_t max_tokens = 512;          // the most a request may ask for
  int64_t default_max_tokens = 128;  // when it asks for none
  size_t max_image_bytes = 4u << 20;
};

// What rows of one batch must share: generate() takes one config for the batch.
struct Sampling {
  double temperature = 1.0;  // 0: greedy
  double top_p = 1.0;
  uint64_t seed = 0;
  std::vector<std::string> stop;

  bool greedy() const { return temperature == 0; }
  // Greedy rows batch with any greedy row (temperature, top_p and seed do not matter to them).
  bool batches_with(const Sampling& other) const;
};

struct ChatRequest {
  std::string model;  // as the client named it; "" when absent
  std::vector<ChatMessage> messages;
  std::vector<std::vector<uint8_t>> images;  // one per "<image>" marker, in reading order
  int64_t max_tokens = 128;
  Sampling sampling;
  bool stream = false;
};

// Throws ApiError (400 malformed JSON or a bad field, naming it; 413 an image over the limit).
ChatRequest parse_chat_request(std::string_view body, const RequestLimits& limits);

}  // namespace vlforge::serve
