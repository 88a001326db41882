#include "option_letter.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

namespace vlforge::mcq_eval {

namespace {

std::vector<std::string> words_of(std::string_view answer) {
  std::string spaced(answer);
  for (char& c : spaced)
    if (std::string_view(".()[],:;!*#{}").find(c) != std::string_view::npos) c = ' ';
  std::istringstream in(spaced);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trimmed(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// The one option `matches` accepts; "" for none or several.
template <class Pred>
std::string only_option(std::span<const ChoiceOption> options, Pred matches) {
  std::string found;
  int count = 0;
  for (const ChoiceOption& o : options)
    if (matches(o)) {
      found = o.letter;
      ++count;
    }
  return count == 1 ? found : std::string();
}

}  // namespace

std::string option_letter(std::string_view answer, std::span<const ChoiceOption> options) {
  const std::vector<std::string> words = words_of(answer);
  auto is_word = [&](const std::string& w) { return std::find(words.begin(), words.end(), w) != words.end(); };

  const bool any_letter = std::any_of(options.begin(), options.end(), [&](const ChoiceOption& o) { return is_word(o.letter); });
  if (any_letter) return only_option(options, [&](const ChoiceOption& o) { return is_word(o.letter); });

  // A lone lower-case letter; within a sentence "a" is an article, so only the whole answer counts.
  if (words.size() == 1) {
    const std::string letter = only_option(options, [&](const ChoiceOption& o) { return lower(o.letter) == words[0]; });
    if (!letter.empty()) return letter;
  }

  std::string text = lower(trimmed(answer));
  if (text.empty()) return {};
  const std::string exact = only_option(options, [&](const ChoiceOption& o) {
    const std::string option = lower(trimmed(o.text));
    return text == option || text == option + ".";
  });
  if (!exact.empty()) return exact;
  return only_option(options, [&](const ChoiceOption& o) {
    const std::string option = lower(trimmed(o.text));
    return !option.empty() && text.find(option) != std::string::npos;
  });
}

}  // namespace vlforge::mcq_eval
