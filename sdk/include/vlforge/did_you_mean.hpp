// Suggestions for misspelt keys and names: the closest candidate by edit distance. Used for
// recipe keys and component names by the host, and for tensor names by checkpoint loading.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/export.hpp"

namespace vlforge {

VLFORGE_API size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo.
VLFORGE_API std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or " (valid: a, b, c)" or "".
VLFORGE_API std::string suggestion_suffix(std::string_view word, const std::vector<std::string>& candidates,
                              std::string_view list_label = "valid");

VLFORGE_API std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

}  // namespace vlforge
