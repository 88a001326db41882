#include "score_parser.hpp"

#include <algorithm>

namespace vlforge::mlm_filter {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

std::optional<int> parse_score(std::string_view text) {
  size_t start = 0;
  while (start < text.size() && is_space(text[start])) ++start;
  const size_t end = std::min(text.find('\n', start), text.size());
  const std::string_view line = text.substr(start, end - start);

  size_t first = 0;
  while (first < line.size() && !is_digit(line[first])) ++first;
  if (first == line.size()) return std::nullopt;
  size_t last = first;
  while (last < line.size() && is_digit(line[last])) ++last;

  // A sign or a fraction makes it something other than the integer the prompt asks for.
  if (first > 0 && line[first - 1] == '-') return std::nullopt;
  if (last + 1 < line.size() && line[last] == '.' && is_digit(line[last + 1])) return std::nullopt;

  size_t significant = first;
  while (significant + 1 < last && line[significant] == '0') ++significant;
  if (last - significant > 3) return std::nullopt;  // more than 999: out of range, and no overflow
  int value = 0;
  for (size_t i = significant; i < last; ++i) value = value * 10 + (line[i] - '0');
  if (value > kMaxScore) return std::nullopt;
  return value;
}

}  // namespace vlforge::mlm_filter
