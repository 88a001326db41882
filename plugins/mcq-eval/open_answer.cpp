#include "open_answer.hpp"

#include <cctype>
#include <cmath>

#include "number_text.hpp"

namespace vlforge::mcq_eval {

namespace {

std::string_view trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

double rounded2(double v) { return std::round(v * 100.0) / 100.0; }

}  // namespace

std::string normalised_open_answer(std::string_view text) {
  std::string out(trim(text));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && out.back() == '.') out.pop_back();
  return std::string(trim(out));
}

std::vector<std::string> expected_open_answers(std::string_view answer) {
  const std::string_view a = trim(answer);
  if (a.size() < 2 || a.front() != '[' || a.back() != ']') return {std::string(a)};
  // Items separated by commas outside quotes, each quoted with ' or " or bare (numbers).
  std::vector<std::string> items;
  std::string item;
  char quote = 0;
  bool quoted_item = false;
  for (size_t i = 1; i + 1 < a.size(); ++i) {
    const char c = a[i];
    if (quote) {
      if (c == '\\' && i + 2 < a.size()) {
        item += a[++i];
      } else if (c == quote) {
        quote = 0;
      } else {
        item += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      quoted_item = true;
    } else if (c == ',') {
      items.push_back(quoted_item ? item : std::string(trim(item)));
      item.clear();
      quoted_item = false;
    } else if (!quoted_item) {
      item += c;
    }
  }
  if (!item.empty() || quoted_item) items.push_back(quoted_item ? item : std::string(trim(item)));
  return items;
}

bool open_answer_matches(std::string_view prediction, std::string_view answer) {
  const std::string predicted = normalised_open_answer(prediction);
  const std::vector<NumberInText> numbers = numbers_in(predicted);
  for (const std::string& expected : expected_open_answers(answer)) {
    if (const auto n = whole_number(expected)) {
      for (const NumberInText& p : numbers)
        if (rounded2(p.value) == rounded2(n->value)) return true;
      continue;
    }
    const std::string text = normalised_open_answer(expected);
    if (!text.empty() && predicted.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace vlforge::mcq_eval
