// scorer/word-count: how many words of at least `min_length` letters a caption has.
#pragma once

#include <vlforge/interfaces/scorer.hpp>
#include <vlforge/schema.hpp>

namespace word_count {

struct WordCountConfig {
  int64_t min_length = 1;
};

vlforge::Schema<WordCountConfig> word_count_schema();

// Counts whitespace-separated words having at least `min_length` alphabetic characters.
int64_t count_words(std::string_view text, int64_t min_length);

class WordCountScorer final : public vlforge::Scorer {
 public:
  explicit WordCountScorer(WordCountConfig cfg) : cfg_(cfg) {}

  std::string score_name() const override { return "word_count"; }
  std::vector<vlforge::ScoreRow> score(std::span<const vlforge::Sample> batch) override;

 private:
  WordCountConfig cfg_;
};

}  // namespace word_count
