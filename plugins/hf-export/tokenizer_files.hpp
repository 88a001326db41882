// The files of a tokenizer component that a Hugging Face folder carries beside the weights.
#pragma once

#include <filesystem>
#include <vector>

#include "vlforge/component.hpp"

namespace vlforge::hf_export {

// tokenizer/hf-bpe: its tokenizer.json and the tokenizer_config.json, special_tokens_map.json,
// vocab.json and merges.txt beside it; tokenizer/sentencepiece: its .model as tokenizer.model.
// Copies those that exist into `out` and returns them.
std::vector<std::filesystem::path> copy_tokenizer_files(const ComponentSpec& tokenizer, const std::filesystem::path& out);

}  // namespace vlforge::hf_export
