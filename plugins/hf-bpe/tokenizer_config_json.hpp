// The special-token names of a Hugging Face tokenizer_config.json (bos_token, eos_token,
// pad_token), which tokenizer.json itself does not record.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace vlforge::hf_bpe {

struct SpecialTokenNames {
  std::optional<std::string> bos;
  std::optional<std::string> eos;
  std::optional<std::string> pad;
};

// Reads `file` when it exists (all names absent otherwise). A name may be written as a string or
// as an AddedToken object {"content": ...}; null means none. Throws vlforge::Error naming the
// file when it is not valid JSON.
SpecialTokenNames read_special_token_names(const std::filesystem::path& file);

}  // namespace vlforge::hf_bpe
