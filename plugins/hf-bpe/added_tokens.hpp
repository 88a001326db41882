// The `added_tokens` of a tokenizer.json (<|im_start|>, <|endoftext|>, <think>, ...): strings that
// are cut out of the text before any normalisation or pre-tokenisation and map to their own id.
// Matching is leftmost-longest, as in Hugging Face tokenizers. Tokens marked `normalized` are
// matched in the normalized text instead of the raw text; lstrip / rstrip let a token swallow the
// whitespace beside it and single_word requires it to stand alone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "text_normalizer.hpp"

namespace vlforge::hf_bpe {

struct AddedToken {
  std::string content;
  int64_t id = 0;
  bool special = false;
  bool lstrip = false;
  bool rstrip = false;
  bool single_word = false;
  bool normalized = false;
};

// A run of text, or one added token (then `token` points at it).
struct TextSegment {
  std::string_view text;
  const AddedToken* token = nullptr;
};

class AddedTokens {
 public:
  // `node` is the "added_tokens" array (null for none); tokens marked `normalized` are matched in
  // their normalized form. Throws vlforge::Error at `where` when an entry lacks content or id.
  AddedTokens(const nlohmann::json& node, const TextNormalizer& normalizer, const std::string& where);
  AddedTokens(const AddedTokens&) = delete;
  AddedTokens& operator=(const AddedTokens&) = delete;

  const std::vector<AddedToken>& all() const { return tokens_; }
  const AddedToken* find(std::string_view content) const;
  const AddedToken* find(int64_t id) const;
  bool has_normalized() const { return has_normalized_; }

  // Cuts `text` at the tokens whose `normalized` flag equals `normalized`; `text` must outlive
  // the segments.
  std::vector<TextSegment> split(std::string_view text, bool normalized) const;

 private:
  std::vector<AddedToken> tokens_;
  // By first byte, longest content first: a leftmost-longest scan tries these in order.
  std::vector<std::vector<const AddedToken*>> by_first_byte_[2];
  std::unordered_map<std::string_view, const AddedToken*> by_content_;
  std::unordered_map<int64_t, const AddedToken*> by_id_;
  bool has_normalized_ = false;
};

}  // namespace vlforge::hf_bpe
