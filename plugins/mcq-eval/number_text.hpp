// Numbers written in answers: "-3", "1,234.5", ".5". Thousands separators are read as such only in
// groups of three digits ("1,234"), so "1,2" is two numbers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vlforge::mcq_eval {

struct NumberInText {
  std::string text;  // as written, separators removed: "1234.5"
  double value = 0.0;
  bool integral = false;  // written without a fraction
};

// Every number in `text`, in order.
std::vector<NumberInText> numbers_in(std::string_view text);

// `text` as a number when it is exactly one (surrounding spaces aside).
std::optional<NumberInText> whole_number(std::string_view text);

// "2.50" -> "2.5", "3.0" -> "3", "-0" -> "0": the shortest text of a value, for predictions.
std::string number_text(double value);

}  // namespace vlforge::mcq_eval
