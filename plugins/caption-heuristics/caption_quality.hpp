// The caption-heuristics quality score: cheap text-only signals that catch web-caption junk
// (empty, spam-repeated, non-text) before any model runs.
//
//   score = 100 * min(1, words / min_words) * (1 - repetition) * (1 - non_alpha_ratio)
//
// words:           whitespace-separated tokens
// repetition:      1 - distinct words / words (case-insensitive for ASCII), 0 without words
// non_alpha_ratio: characters (code points) that are neither letters nor whitespace, over all
//                  characters; non-ASCII characters count as letters, so other scripts are not
//                  penalised
// An empty caption scores 0, and so does one that is not valid UTF-8 (its ratio is then counted
// over bytes, non-ASCII bytes as non-letters).
#pragma once

#include <cstdint>
#include <string_view>

namespace vlforge::caption_heuristics {

struct CaptionQuality {
  double score = 0.0;  // 0..100
  double words = 0.0;
  double repetition = 0.0;
  double non_alpha_ratio = 0.0;
};

CaptionQuality caption_quality(std::string_view caption, int64_t min_words);

}  // namespace vlforge::caption_heuristics
