// tokenizer/hf-bpe: byte-level BPE read from a Hugging Face tokenizer.json (Qwen2, Qwen2.5,
// Qwen3, GPT-2, Llama 3 style), encoding to the same ids as Hugging Face tokenizers.
//
// encode: added tokens are cut out of the raw text, the rest is normalized (NFC or none),
// pre-tokenized (regex Split / ByteLevel) and each word merged by BPE. decode: byte-level tokens
// back to bytes, added tokens as written, ill-formed UTF-8 replaced by U+FFFD.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "added_tokens.hpp"
#include "bpe_model.hpp"
#include "pre_tokenizer.hpp"
#include "text_normalizer.hpp"
#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge::hf_bpe {

struct HfBpeConfig {
  std::filesystem::path file;
  std::string bos_token;  // empty: tokenizer_config.json's, else none
  std::string eos_token;  // empty: tokenizer_config.json's, else <|im_end|> or <|endoftext|>
  std::string pad_token;  // empty: tokenizer_config.json's, else the eos token
  std::string chat_format = "chatml";
};

class HfBpeTokenizer final : public Tokenizer {
 public:
  // Throws vlforge::Error naming the file when it is missing, malformed, or describes a
  // tokenizer hf-bpe does not implement.
  explicit HfBpeTokenizer(const HfBpeConfig& cfg);
  ~HfBpeTokenizer() override;

  std::vector<int64_t> encode(std::string_view text) const override;
  std::string decode(std::span<const int64_t> ids, bool skip_special = false) const override;
  int64_t vocab_size() const override { return vocab_size_; }
  std::optional<int64_t> token_to_id(std::string_view token) const override;
  std::string id_to_token(int64_t id) const override;

  std::optional<int64_t> bos_id() const override { return bos_id_; }
  int64_t eos_id() const override { return eos_id_; }
  int64_t pad_id() const override { return pad_id_; }

  std::string apply_chat_template(std::span<const ChatMessage> messages, bool add_generation_prompt) const override;

 private:
  void encode_words(std::string_view text, std::vector<int64_t>& ids) const;
  int64_t special_id(const std::string& token, const char* key) const;

  HfBpeConfig cfg_;
  std::string where_;  // the file, for messages
  std::unique_ptr<TextNormalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<BpeModel> model_;
  std::unique_ptr<AddedTokens> added_;
  int64_t vocab_size_ = 0;
  std::optional<int64_t> bos_id_;
  int64_t eos_id_ = 0;
  int64_t pad_id_ = 0;
};

}  // namespace vlforge::hf_bpe
