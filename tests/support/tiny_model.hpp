// A trained-model folder for tests of what runs a model (evaluate, chat, serve, export): the
// quickstart's tiny SigLIP + average-pool projector + Qwen2 and its synthetic BPE tokenizer, with
// random weights drawn from a seed and saved under Hugging Face (LLaVA) names.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "component_factory.hpp"
#include "vlforge/assistant.hpp"

namespace vlforge::test {

struct TinyModel {
  std::filesystem::path folder;  // model.safetensors (+ model.toml, as stage/train writes it)
  // The components as stage-table keys (`vision = {...}`, `projector`, `language_model`,
  // `tokenizer`, `image_tokens`), one per line, to paste into a stage of a test recipe.
  std::string stage_keys;
  int64_t image_tokens = 16;
};

// Writes the model into `folder` (created). The same seed gives the same weights.
TinyModel write_tiny_model(const std::filesystem::path& folder, uint64_t seed = 7);

// The stage config that runs `model` (what a stage derived from AssistantConfig receives).
AssistantConfig tiny_assistant_config(const TinyModel& model, ComponentMaker& maker);

}  // namespace vlforge::test
