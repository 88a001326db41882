// The bodies the server answers POST /v1/chat/completions with: a chat.completion object, or
// for `stream: true` server-sent events carrying chat.completion.chunk objects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vlforge::serve {

// What every response and chunk of one completion shares.
struct CompletionId {
  std::string id;       // "chatcmpl-..."
  int64_t created = 0;  // Unix seconds
  std::string model;
};

// A fresh id, unique within the process and across restarts.
CompletionId new_completion_id(std::string model);

struct Usage {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
};

// finish_reason: "stop" or "length".
std::string completion_body(const CompletionId& id, const std::string& text, const std::string& finish_reason,
                            const Usage& usage);

// One SSE event with a chat.completion.chunk. `role`: the first chunk's delta {"role": "assistant"};
// otherwise the delta is {"content": content} (or {} with a finish_reason).
std::string role_chunk_event(const CompletionId& id);
std::string content_chunk_event(const CompletionId& id, const std::string& content);
std::string finish_chunk_event(const CompletionId& id, const std::string& finish_reason, const Usage& usage);

// "data: PAYLOAD\n\n".
std::string sse_event(const std::string& payload);
// The event that ends a stream.
inline const std::string kSseDone = "data: [DONE]\n\n";

}  // namespace vlforge::serve
