// model.toml: what a trained model folder is made of, so that `vlforge chat`, `serve` and
// `export` need only the folder. Its keys are those of a stage that runs a trained model
// (vlforge::AssistantConfig): each component as an inline table with its full resolved config.
//
//   image_token_id = 432
//   image_tokens = 64
//   vision = { use = "vision_encoder/siglip", checkpoint = "/abs/tiny-siglip", ... }
//   projector = { ... }
//   language_model = { ... }
//   tokenizer = { ... }        (when the train stage names its data's tokenizer)
//   image_codec = { ... }
#pragma once

#include <cstdint>
#include <filesystem>

#include "vlforge/component.hpp"

namespace vlforge::training {

struct ModelManifest {
  ComponentSpec vision, projector, language_model, tokenizer, image_codec;
  int64_t image_token_id = -1;
  int64_t image_tokens = 0;
};

void write_model_manifest(const std::filesystem::path& file, const ModelManifest& manifest);

// A spec as a TOML inline table: `use` first, then its config (unset optional keys left out).
std::string inline_table(const ComponentSpec& spec);

}  // namespace vlforge::training
