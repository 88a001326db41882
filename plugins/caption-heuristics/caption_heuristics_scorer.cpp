#include "caption_heuristics_scorer.hpp"

#include "caption_quality.hpp"

namespace vlforge::caption_heuristics {

std::vector<ScoreRow> CaptionHeuristicsScorer::score(std::span<const Sample> batch) {
  std::vector<ScoreRow> rows;
  rows.reserve(batch.size());
  for (const Sample& sample : batch) {
    const CaptionQuality q = caption_quality(sample.text, cfg_.min_words);
    rows.push_back(ScoreRow{q.score, {q.words, q.repetition, q.non_alpha_ratio}});
  }
  return rows;
}

}  // namespace vlforge::caption_heuristics
