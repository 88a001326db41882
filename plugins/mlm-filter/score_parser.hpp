// Reading the score out of what the filter model generated. The reference keeps int(first line)
// and drops the sample otherwise; here the first line's first integer counts, so "Score: 85" and
// "85, because ..." read 85, and a value outside the prompt's 0..100 range is no score:
//
//   "85" -> 85, " 85<|im_end|>" -> 85, "\n85\n..." -> 85, "Score: 85" -> 85,
//   "" / "abc" / "150" / "-5" / "85.5" -> none
#pragma once

#include <optional>
#include <string_view>

namespace vlforge::mlm_filter {

inline constexpr int kMaxScore = 100;

std::optional<int> parse_score(std::string_view generation);

}  // namespace vlforge::mlm_filter
