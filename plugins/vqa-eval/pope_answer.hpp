// POPE scoring as LLaVA's llava/eval/eval_pope.py does it: an answer is "no" when its first
// sentence, commas removed and split at spaces, has the word "No", "no" or "not"; otherwise it
// is "yes". "yes" is the positive class.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vlforge::vqa_eval {

bool pope_says_yes(std::string_view answer);

struct PopeCounts {
  int64_t tp = 0, fp = 0, tn = 0, fn = 0;

  void add(bool predicted_yes, bool label_yes);
  int64_t total() const { return tp + fp + tn + fn; }

  // accuracy (TP + TN) / all, precision TP / (TP + FP), recall TP / (TP + FN), f1 their harmonic
  // mean, yes_ratio (TP + FP) / all; a ratio with a zero denominator is 0 (eval_pope.py divides
  // by zero there).
  double accuracy() const;
  double precision() const;
  double recall() const;
  double f1() const;
  double yes_ratio() const;

  // {"f1", "accuracy", "precision", "recall", "yes_ratio"}, each under `prefix` ("random/").
  std::vector<std::pair<std::string, double>> metrics(const std::string& prefix = "") const;
};

}  // namespace vlforge::vqa_eval
