// stage/train: builds the multimodal model from the recipe's encoder, projector and language
// model, feeds it packed shards (pre-training) or indexed conversations (SFT) and runs the
// recipe's trainer. Writes into its folder:
//
//   checkpoints/step-N/   the trainer's checkpoints (resumed from on a rerun)
//   model/                every parameter of the final model, Hugging Face (LLaVA) names, and
//                         model.toml naming its components (what chat, serve and export read)
//   train_report.json     steps, tokens, final loss, held-out loss before and after
//   metrics.jsonl         per-step metrics (the trainer's)
#pragma once

#include <cstdint>
#include <string>

#include "vlforge/interfaces/stage.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::training {

struct TrainStageConfig {
  ComponentSpec vision;
  ComponentSpec projector;
  ComponentSpec language_model;
  ComponentSpec trainer{"trainer", "fsdp", {}, {}};
  ComponentSpec image_codec{"image_codec", "stb", {}, {}};
  ComponentSpec tokenizer;    // the data's tokenizer, recorded in model/model.toml
  std::string packed;         // pre-training data: a stage name or a folder of .vlpack shards
  std::string conversations;  // SFT data: a conversation-index stage name or its folder
  std::string heldout;        // held-out packed shards for the loss before and after (stage or folder)
  std::string init;           // a train stage (or model folder) whose weights to start from
  int64_t image_tokens = 0;   // 0: the data's
  int64_t global_batch = 256;
  int64_t micro_batch = 1;
  bool train_vision = false;
  bool train_projector = true;
  bool train_language_model = true;
  int64_t heldout_batches = 16;
  int64_t workers = 2;
  bool group_by_length = true;
};

Schema<TrainStageConfig> train_stage_schema();

class TrainStage final : public Stage {
 public:
  explicit TrainStage(TrainStageConfig cfg) : cfg_(std::move(cfg)) {}
  void run(Context& ctx) override;

 private:
  TrainStageConfig cfg_;
};

}  // namespace vlforge::training
