// tokenizer/sentencepiece: a SentencePiece .model (unigram or BPE, as Llama 2, T5, Gemma use),
// encoding to the ids of libsentencepiece, which it reaches through the shim of spm_shim_api.h.
//
// Control pieces (<s>, </s>, other control symbols) written in the text map to their ids, as the
// Tokenizer interface asks; sentencepiece itself would spell them out piece by piece. The text
// between them is encoded by sentencepiece as separate sentences.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "spm_shim_library.hpp"
#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge::spm {

struct SentencePieceConfig {
  std::filesystem::path model;
  bool add_bos = false;
  bool add_eos = false;
  std::string chat_format = "none";
};

class SentencePieceTokenizer final : public Tokenizer {
 public:
  // Throws vlforge::Error naming the model file when it cannot be loaded.
  explicit SentencePieceTokenizer(const SentencePieceConfig& cfg);
  ~SentencePieceTokenizer() override;

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
  struct ModelDeleter {
    const SpmShimLibrary* shim;
    void operator()(vlforge_spm* m) const { shim->free(m); }
  };

  void encode_sentence(std::string_view text, std::vector<int64_t>& ids) const;
  void decode_run(std::span<const int32_t> ids, std::string& out) const;
  void check_id(int64_t id) const;

  SentencePieceConfig cfg_;
  const SpmShimLibrary& shim_;
  std::unique_ptr<vlforge_spm, ModelDeleter> model_;
  int64_t vocab_size_ = 0;
  std::optional<int64_t> bos_id_;
  int64_t eos_id_ = 0;
  int64_t pad_id_ = 0;
  std::vector<std::pair<std::string, int64_t>> control_pieces_;  // longest first
  std::unordered_set<int64_t> control_ids_;
};

}  // namespace vlforge::spm
