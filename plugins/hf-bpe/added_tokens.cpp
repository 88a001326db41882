#include "added_tokens.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>

#include "vlforge/error.hpp"

namespace vlforge::hf_bpe {
namespace {

bool is_word_char(UChar32 c) {
  if (u_hasBinaryProperty(c, UCHAR_ALPHABETIC)) return true;
  const int8_t type = u_charType(c);
  return type == U_DECIMAL_DIGIT_NUMBER || type == U_LETTER_NUMBER || type == U_OTHER_NUMBER;
}

UChar32 char_before(std::string_view text, size_t pos, size_t* begin) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  auto i = static_cast<int32_t>(pos);
  UChar32 c = 0;
  U8_PREV(s, 0, i, c);
  if (begin) *begin = static_cast<size_t>(i);
  return c;
}

UChar32 char_at(std::string_view text, size_t pos, size_t* end) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  auto i = static_cast<int32_t>(pos);
  UChar32 c = 0;
  U8_NEXT(s, i, static_cast<int32_t>(text.size()), c);
  if (end) *end = static_cast<size_t>(i);
  return c;
}

bool stands_alone(std::string_view text, size_t begin, size_t end) {
  if (begin > 0 && is_word_char(char_before(text, begin, nullptr))) return false;
  if (end < text.size() && is_word_char(char_at(text, end, nullptr))) return false;
  return true;
}

}  // namespace

AddedTokens::AddedTokens(const nlohmann::json& node, const TextNormalizer& normalizer, const std::string& where) {
  if (node.is_null()) return;
  if (!node.is_array()) throw Error(where, "added_tokens must be an array of {\"id\": ..., \"content\": ...} objects");
  for (const auto& entry : node) {
    if (!entry.is_object() || !entry.contains("content") || !entry["content"].is_string() || !entry.contains("id") ||
        !entry["id"].is_number_integer())
      throw Error(where, "added_tokens entry " + entry.dump() + " needs a string \"content\" and an integer \"id\"");
    AddedToken t;
    t.content = entry["content"].get<std::string>();
    t.id = entry["id"].get<int64_t>();
    t.special = entry.value("special", false);
    t.lstrip = entry.value("lstrip", false);
    t.rstrip = entry.value("rstrip", false);
    t.single_word = entry.value("single_word", false);
    t.normalized = entry.value("normalized", !t.special);
    if (t.content.empty()) throw Error(where, "added_tokens entry with id " + std::to_string(t.id) + " has empty content");
    if (t.normalized) {
      t.content = normalizer.apply(t.content);
      has_normalized_ = true;
    }
    tokens_.push_back(std::move(t));
  }

  for (auto& table : by_first_byte_) table.assign(256, {});
  for (const AddedToken& t : tokens_) {
    by_first_byte_[t.normalized ? 1 : 0][static_cast<uint8_t>(t.content[0])].push_back(&t);
    by_content_.emplace(t.content, &t);
    by_id_.emplace(t.id, &t);
  }
  for (auto& table : by_first_byte_)
    for (auto& candidates : table)
      std::stable_sort(candidates.begin(), candidates.end(),
                       [](const AddedToken* a, const AddedToken* b) { return a->content.size() > b->content.size(); });
}

const AddedToken* AddedTokens::find(std::string_view content) const {
  auto it = by_content_.find(content);
  return it == by_content_.end() ? nullptr : it->second;
}

const AddedToken* AddedTokens::find(int64_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::vector<TextSegment> AddedTokens::split(std::string_view text, bool normalized) const {
  std::vector<TextSegment> out;
  const auto& table = by_first_byte_[normalized ? 1 : 0];
  if (table.empty()) {
    if (!text.empty()) out.push_back({text, nullptr});
    return out;
  }
  size_t segment_begin = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const AddedToken* match = nullptr;
    for (const AddedToken* t : table[static_cast<uint8_t>(text[pos])]) {
      if (text.compare(pos, t->content.size(), t->content) != 0) continue;
      if (t->single_word && !stands_alone(text, pos, pos + t->content.size())) continue;
      match = t;
      break;
    }
    if (match == nullptr) {
      ++pos;
      continue;
    }
    size_t begin = pos;
    size_t end = pos + match->content.size();
    if (match->lstrip) {
      size_t before = begin;
      while (begin > segment_begin && u_isUWhiteSpace(char_before(text, begin, &before))) begin = before;
    }
    if (match->rstrip) {
      size_t after = end;
      while (end < text.size() && u_isUWhiteSpace(char_at(text, end, &after))) end = after;
    }
    if (begin > segment_begin) out.push_back({text.substr(segment_begin, begin - segment_begin), nullptr});
    out.push_back({text.substr(begin, end - begin), match});
    pos = segment_begin = end;
  }
  if (segment_begin < text.size()) out.push_back({text.substr(segment_begin), nullptr});
  return out;
}

}  // namespace vlforge::hf_bpe
