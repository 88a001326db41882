#include "vlforge/did_you_mean.hpp"

#include <algorithm>

namespace vlforge {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_d = 0;
  for (const auto& c : candidates) {
    const size_t d = edit_distance(word, c);
    if (!best || d < best_d) {
      best = c;
      best_d = d;
    }
  }
  // A third of the word's length (at least 2) is as far as a typo goes.
  if (!best || best_d > std::max<size_t>(2, word.size() / 3)) return std::nullopt;
  return best;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

std::string suggestion_suffix(std::string_view word, const std::vector<std::string>& candidates,
                              std::string_view list_label) {
  if (auto m = closest_match(word, candidates)) return " (did you mean '" + *m + "'?)";
  if (candidates.empty()) return "";
  return " (" + std::string(list_label) + ": " + join(candidates) + ")";
}

}  // namespace vlforge
