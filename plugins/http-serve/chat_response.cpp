#include "chat_response.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace vlforge::serve {

using nlohmann::json;

namespace {

json chunk(const CompletionId& id, json delta, json finish_reason) {
  return json{{"id", id.id},
              {"object", "chat.completion.chunk"},
              {"created", id.created},
              {"model", id.model},
              {"choices", json::array({json{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish_reason)}}})}};
}

json usage_json(const Usage& u) {
  return json{{"prompt_tokens", u.prompt_tokens},
              {"completion_tokens", u.completion_tokens},
              {"total_tokens", u.prompt_tokens + u.completion_tokens}};
}

}  // namespace

CompletionId new_completion_id(std::string model) {
  static std::atomic<uint64_t> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "chatcmpl-%llx%05x%06llx",
                static_cast<unsigned long long>(std::chrono::duration_cast<std::chrono::microseconds>(now).count()),
                static_cast<unsigned>(getpid()) & 0xfffffu, static_cast<unsigned long long>(counter++ & 0xffffffu));
  return {buffer, std::chrono::duration_cast<std::chrono::seconds>(now).count(), std::move(model)};
}

std::string completion_body(const CompletionId& id, const std::string& text, const std::string& finish_reason,
                            const Usage& usage) {
  const json message{{"role", "assistant"}, {"content", text}};
  return json{{"id", id.id},
              {"object", "chat.completion"},
              {"created", id.created},
              {"model", id.model},
              {"choices", json::array({json{{"index", 0}, {"message", message}, {"finish_reason", finish_reason}}})},
              {"usage", usage_json(usage)}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string sse_event(const std::string& payload) { return "data: " + payload + "\n\n"; }

std::string role_chunk_event(const CompletionId& id) {
  return sse_event(chunk(id, json{{"role", "assistant"}, {"content", ""}}, nullptr).dump());
}

std::string content_chunk_event(const CompletionId& id, const std::string& content) {
  return sse_event(chunk(id, json{{"content", content}}, nullptr).dump(-1, ' ', false, json::error_handler_t::replace));
}

std::string finish_chunk_event(const CompletionId& id, const std::string& finish_reason, const Usage& usage) {
  json c = chunk(id, json::object(), finish_reason);
  c["usage"] = usage_json(usage);
  return sse_event(c.dump());
}

}  // namespace vlforge::serve
