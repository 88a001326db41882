// stage/chat: a conversation with a trained model on the terminal, the answer streamed token by
// token to stdout. With `prompt`, one answer; without, an interactive session reading stdin
// (what `vlforge chat --checkpoint DIR` runs).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "vlforge/assistant.hpp"
#include "vlforge/interfaces/stage.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::evaluation {

struct ChatStageConfig : AssistantConfig {
  std::string prompt;           // empty: interactive
  std::filesystem::path image;  // an image for the (first) message
  std::string system;           // a system message ahead of the conversation
  int64_t max_new_tokens = 256;
  double temperature = 0.0;     // 0: greedy
  double top_p = 1.0;
  int64_t seed = 0;
};

Schema<ChatStageConfig> chat_stage_schema();

class ChatStage final : public Stage {
 public:
  explicit ChatStage(ChatStageConfig cfg) : cfg_(std::move(cfg)) {}
  void run(Context& ctx) override;

 private:
  ChatStageConfig cfg_;
};

}  // namespace vlforge::evaluation
