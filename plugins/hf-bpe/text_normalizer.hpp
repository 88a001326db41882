// The `normalizer` of a tokenizer.json. hf-bpe supports none and Unicode NFC (Qwen's), also
// inside a Sequence; NFC comes from ICU.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace vlforge::hf_bpe {

class TextNormalizer {
 public:
  // `node` is the "normalizer" member (null for none); throws vlforge::Error at `where` for
  // a normalizer hf-bpe does not implement.
  TextNormalizer(const nlohmann::json& node, const std::string& where);

  bool is_identity() const { return !nfc_; }
  std::string apply(std::string_view text) const;

 private:
  void add(const nlohmann::json& node, const std::string& where);
  bool nfc_ = false;
};

}  // namespace vlforge::hf_bpe
