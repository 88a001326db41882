#include "word_count_scorer.hpp"

#include <cctype>

namespace word_count {

vlforge::Schema<WordCountConfig> word_count_schema() {
  vlforge::Schema<WordCountConfig> s("Scores a caption by its number of words (whitespace-separated tokens "
                                     "with at least `min_length` letters).");
  s.field("min_length", &WordCountConfig::min_length, "letters a token needs to count as a word").range(0, 64);
  return s;
}

int64_t count_words(std::string_view text, int64_t min_length) {
  int64_t words = 0, letters = 0;
  bool in_token = false;
  auto end_token = [&] {
    if (in_token && letters >= min_length) ++words;
    in_token = false;
    letters = 0;
  };
  for (unsigned char c : text) {
    if (std::isspace(c)) {
      end_token();
    } else {
      in_token = true;
      letters += std::isalpha(c) ? 1 : 0;
    }
  }
  end_token();
  return words;
}

std::vector<vlforge::ScoreRow> WordCountScorer::score(std::span<const vlforge::Sample> batch) {
  std::vector<vlforge::ScoreRow> rows;
  rows.reserve(batch.size());
  for (const auto& sample : batch)
    rows.push_back({static_cast<double>(count_words(sample.text, cfg_.min_length)), {}});
  return rows;
}

}  // namespace word_count
