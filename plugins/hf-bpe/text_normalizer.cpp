#include "text_normalizer.hpp"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

#include "vlforge/error.hpp"

namespace vlforge::hf_bpe {

TextNormalizer::TextNormalizer(const nlohmann::json& node, const std::string& where) { add(node, where); }

void TextNormalizer::add(const nlohmann::json& node, const std::string& where) {
  if (node.is_null()) return;
  const std::string type = node.is_object() ? node.value("type", std::string()) : std::string();
  if (type == "NFC") {
    nfc_ = true;
  } else if (type == "Sequence" && node.contains("normalizers") && node["normalizers"].is_array()) {
    for (const auto& inner : node["normalizers"]) add(inner, where);
  } else {
    throw Error(where, "normalizer " + (type.empty() ? node.dump() : "type '" + type + "'") +
                           " is not supported (hf-bpe supports \"NFC\", a Sequence of those, or null)");
  }
}

std::string TextNormalizer::apply(std::string_view text) const {
  if (!nfc_) return std::string(text);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) throw Error("tokenizer/hf-bpe", std::string("ICU has no NFC data: ") + u_errorName(status));
  const icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
  if (nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return std::string(text);
  status = U_ZERO_ERROR;
  std::string out;
  icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(text.size()));
  nfc->normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_FAILURE(status)) throw Error("tokenizer/hf-bpe", std::string("NFC normalisation failed: ") + u_errorName(status));
  return out;
}

}  // namespace vlforge::hf_bpe
