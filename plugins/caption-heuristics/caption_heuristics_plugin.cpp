// Plugin `caption-heuristics`: scorer/caption-heuristics.
#include <memory>

#include "caption_heuristics_scorer.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::caption_heuristics {
namespace {

Schema<CaptionHeuristicsConfig> caption_heuristics_schema() {
  Schema<CaptionHeuristicsConfig> s(
      "Scores captions from the text alone, column caption_quality in 0..100: "
      "100 * min(1, words / min_words) * (1 - repetition) * (1 - non_alpha_ratio), where repetition = "
      "1 - distinct words / words and non_alpha_ratio = the fraction of characters that are neither letters "
      "nor whitespace. Empty or non-UTF-8 captions score 0. Extra columns: words, repetition, "
      "non_alpha_ratio.");
  s.field("min_words", &CaptionHeuristicsConfig::min_words,
          "captions with fewer words get a proportionally lower score")
      .min(1);
  s.field("batch_size", &CaptionHeuristicsConfig::batch_size, "samples per score() call").min(1);
  return s;
}

void register_components(Registrar& r) {
  r.add<Scorer>("caption-heuristics", caption_heuristics_schema(),
                [](const CaptionHeuristicsConfig& cfg, Context&) {
                  return std::make_unique<CaptionHeuristicsScorer>(cfg);
                });
}

}  // namespace
}  // namespace vlforge::caption_heuristics

VLFORGE_PLUGIN(vlforge::caption_heuristics::register_components)
