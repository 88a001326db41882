#include "caption_quality.hpp"

#include <algorithm>
#include <string>
#include <unordered_set>

#include "vlforge/utf8.hpp"

namespace vlforge::caption_heuristics {

namespace {

bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool is_ascii_letter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

}  // namespace

CaptionQuality caption_quality(std::string_view caption, int64_t min_words) {
  CaptionQuality q;
  const bool valid = is_valid_utf8(caption);

  std::unordered_set<std::string> distinct;
  int64_t words = 0;
  for (size_t i = 0; i < caption.size();) {
    while (i < caption.size() && is_space(static_cast<unsigned char>(caption[i]))) ++i;
    if (i == caption.size()) break;
    std::string word;
    for (; i < caption.size() && !is_space(static_cast<unsigned char>(caption[i])); ++i) {
      const auto c = static_cast<unsigned char>(caption[i]);
      word += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    distinct.insert(std::move(word));
    ++words;
  }

  int64_t units = 0, non_alpha = 0;
  for (const char ch : caption) {
    const auto c = static_cast<unsigned char>(ch);
    if (valid && is_continuation(c)) continue;  // one unit per code point
    ++units;
    const bool letter = is_ascii_letter(c) || (valid && c >= 0x80);
    if (!letter && !is_space(c)) ++non_alpha;
  }

  q.words = static_cast<double>(words);
  q.repetition = words == 0 ? 0.0 : 1.0 - static_cast<double>(distinct.size()) / static_cast<double>(words);
  q.non_alpha_ratio = units == 0 ? 0.0 : static_cast<double>(non_alpha) / static_cast<double>(units);
  if (!valid || words == 0) return q;
  const double length_factor = std::min(1.0, q.words / static_cast<double>(std::max<int64_t>(1, min_words)));
  q.score = 100.0 * length_factor * (1.0 - q.repetition) * (1.0 - q.non_alpha_ratio);
  return q;
}

}  // namespace vlforge::caption_heuristics
