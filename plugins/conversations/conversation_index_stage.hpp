// stage/conversation-index: tokenises LLaVA-style conversations (.json list or .jsonl) with the
// language model's tokenizer and chat template into an index folder (conversation_data.hpp),
// written into the stage's folder on rank 0 while the other ranks wait:
//
//   meta.json, index.bin, samples/NNNNNN/NNNNNNNNN.bin   the index the SFT loader reads
//   skipped.tsv                                          every sample left out, with its reason
//   report.json                                          counts: kept, skipped by reason, tokens
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "vlforge/interfaces/stage.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::conversations {

struct ConversationIndexStageConfig {
  std::filesystem::path conversations;
  // A string, not a path: a path field's folder would be walked file by file (millions of
  // images) to decide whether the stage must rerun.
  std::string image_folder;
  ComponentSpec tokenizer;
  ComponentSpec image_codec{"image_codec", "stb", {}, {}};
  int64_t image_tokens = 729;
  int64_t image_token_id = -1;
  int64_t max_length = 4096;
  int64_t min_image_side = 10;
  int64_t max_image_pixels = 89478485;
};

Schema<ConversationIndexStageConfig> conversation_index_stage_schema();

class ConversationIndexStage final : public Stage {
 public:
  explicit ConversationIndexStage(ConversationIndexStageConfig cfg) : cfg_(std::move(cfg)) {}

  void run(Context& ctx) override;

 private:
  ConversationIndexStageConfig cfg_;
};

}  // namespace vlforge::conversations
