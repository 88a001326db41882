#include "number_text.hpp"

#include <cmath>
#include <cstdio>
#include <regex>

namespace vlforge::mcq_eval {

namespace {

const std::regex& number_pattern() {
  static const std::regex kNumber(R"(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+)");
  return kNumber;
}

NumberInText read(const std::string& written) {
  NumberInText n;
  for (char c : written)
    if (c != ',') n.text += c;
  n.value = std::stod(n.text);
  n.integral = n.text.find('.') == std::string::npos;
  return n;
}

}  // namespace

std::vector<NumberInText> numbers_in(std::string_view text) {
  std::vector<NumberInText> out;
  const std::string s(text);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), number_pattern()); it != std::sregex_iterator(); ++it)
    out.push_back(read(it->str()));
  return out;
}

std::optional<NumberInText> whole_number(std::string_view text) {
  const size_t b = text.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return std::nullopt;
  const size_t e = text.find_last_not_of(" \t\r\n");
  const std::string s(text.substr(b, e - b + 1));
  if (!std::regex_match(s, number_pattern())) return std::nullopt;
  return read(s);
}

std::string number_text(double value) {
  if (value == 0.0) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  return buffer;
}

}  // namespace vlforge::mcq_eval
