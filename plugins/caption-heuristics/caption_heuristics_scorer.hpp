// scorer/caption-heuristics: the caption_quality score (0..100) of caption_quality.hpp, with its
// ingredients (words, repetition, non_alpha_ratio) as extra columns.
#pragma once

#include <cstdint>

#include "vlforge/interfaces/scorer.hpp"

namespace vlforge::caption_heuristics {

struct CaptionHeuristicsConfig {
  int64_t min_words = 3;
  int64_t batch_size = 256;
};

class CaptionHeuristicsScorer final : public Scorer {
 public:
  explicit CaptionHeuristicsScorer(const CaptionHeuristicsConfig& cfg) : cfg_(cfg) {}

  std::string score_name() const override { return "caption_quality"; }
  std::vector<std::string> extra_fields() const override { return {"words", "repetition", "non_alpha_ratio"}; }
  int64_t batch_size() const override { return cfg_.batch_size; }
  std::vector<ScoreRow> score(std::span<const Sample> batch) override;

 private:
  CaptionHeuristicsConfig cfg_;
};

}  // namespace vlforge::caption_heuristics
