// stage/export: a trained model as Hugging Face folders.
//
//   OUT/                      the language model, as transformers loads it with
//                             AutoModelForCausalLM: config.json, model.safetensors (or shards and
//                             an index), generation_config.json, the tokenizer's files
//   OUT/vision_tower/         config.json (SiglipVisionModel, CLIPVisionModel) + model.safetensors
//   OUT/projector/            config.json (vlforge's description) + model.safetensors
//   OUT/README.md             what each folder is and how to load it
#pragma once

#include <cstdint>
#include <string>

#include "vlforge/assistant.hpp"
#include "vlforge/interfaces/stage.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::hf_export {

struct ExportStageConfig : AssistantConfig {
  std::string out;                       // empty: the stage's folder
  std::string dtype = "float32";
  int64_t max_shard_bytes = 5LL << 30;  // larger language models are written in shards
};

Schema<ExportStageConfig> export_stage_schema();

class ExportStage final : public Stage {
 public:
  explicit ExportStage(ExportStageConfig cfg) : cfg_(std::move(cfg)) {}
  void run(Context& ctx) override;

 private:
  ExportStageConfig cfg_;
};

}  // namespace vlforge::hf_export
