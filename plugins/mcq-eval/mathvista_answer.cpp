#include "mathvista_answer.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

#include "choice_question.hpp"
#include "number_text.hpp"
#include "option_letter.hpp"

namespace vlforge::mcq_eval {

namespace {

std::string trimmed(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// The problem's unit dropped from the end, then spaces.
std::string without_unit(const MathVistaProblem& p, std::string_view text) {
  std::string s = trimmed(text);
  const std::string unit = trimmed(p.unit);
  if (!unit.empty() && s.size() > unit.size() && s.ends_with(unit)) s = trimmed(s.substr(0, s.size() - unit.size()));
  return s;
}

// The numbers of a list answer, "[1, 2]" or "1, 2"; nullopt when it holds anything else.
std::optional<std::vector<double>> list_numbers(std::string_view text) {
  std::string s = trimmed(text);
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  std::vector<double> values;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    const std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto n = whole_number(item);
    if (!n) return std::nullopt;
    values.push_back(n->value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return values;
}

std::string list_text(const std::vector<double>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + number_text(values[i]);
  return out + "]";
}

}  // namespace

std::string extract_mathvista_answer(const MathVistaProblem& p, std::string_view response) {
  if (p.question_type == "multi_choice") {
    std::vector<ChoiceOption> options;
    for (size_t i = 0; i < p.choices.size(); ++i) options.push_back({std::string(1, static_cast<char>('A' + i)), p.choices[i]});
    const std::string letter = option_letter(response, options);
    return letter.empty() ? std::string() : p.choices[static_cast<size_t>(letter[0] - 'A')];
  }
  if (p.answer_type == "integer" || p.answer_type == "float") {
    const std::vector<NumberInText> numbers = numbers_in(response);
    if (numbers.empty()) return {};
    const NumberInText& last = numbers.back();
    if (p.answer_type == "float" && p.precision) return fixed(last.value, *p.precision);
    return last.text;
  }
  if (p.answer_type == "list") {
    const size_t close = response.rfind(']');
    const size_t open = close == std::string_view::npos ? close : response.rfind('[', close);
    if (open == std::string_view::npos) return {};
    std::vector<double> values;
    for (const NumberInText& n : numbers_in(response.substr(open + 1, close - open - 1))) values.push_back(n.value);
    return values.empty() ? std::string() : list_text(values);
  }
  return trimmed(response);
}

bool mathvista_answer_correct(const MathVistaProblem& p, const std::string& extracted) {
  if (extracted.empty()) return false;
  if (p.question_type == "multi_choice") return trimmed(extracted) == trimmed(p.answer);
  const std::string got = without_unit(p, extracted);
  const std::string want = without_unit(p, p.answer);
  if (p.answer_type == "list") {
    const auto a = list_numbers(got), b = list_numbers(want);
    if (a && b) return *a == *b;
  }
  const auto a = whole_number(got), b = whole_number(want);
  if (a && b) {
    if (p.answer_type == "float" && p.precision) return fixed(a->value, *p.precision) == fixed(b->value, *p.precision);
    return a->value == b->value;
  }
  return lower(got) == lower(want);
}

}  // namespace vlforge::mcq_eval
