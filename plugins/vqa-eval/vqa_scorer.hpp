// Scoring an answer against a VQA-style question, and the accuracy of a set of answers with its
// breakdown by question type.
//
// VQA accuracy (VQAv2, OK-VQA, TextVQA, VizWiz), as vqaEval.py computes it: with the prediction
// and the n ground-truth answers normalised (vqa_answer_normalizer.hpp), each annotator i in turn
// is left out and the prediction scores min(1, matches among the other n - 1 / 3); the question's
// accuracy is the mean of the n scores. With 10 answers of which m equal the prediction this is
// 0, 0.3, 0.6, 0.9, 1, 1, ... for m = 0, 1, 2, 3, 4, ... GQA has one answer: exact match after
// the same normalisation.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "benchmark_source.hpp"
#include "vqa_sample.hpp"

namespace vlforge::vqa_eval {

enum class AnswerMetric { vqa_accuracy, exact_match };

AnswerMetric answer_metric(BenchmarkFormat format);

// Leave-one-out accuracy of `prediction` against `answers`, all already normalised.
double vqa_accuracy(std::string_view prediction, std::span<const std::string> answers);

struct ScoredAnswer {
  std::string normalised;  // the normalised prediction
  double score = 0.0;      // in [0, 1]
};

ScoredAnswer score_answer(AnswerMetric metric, const VqaSample& sample, std::string_view prediction);

// Accumulates per-question scores into "accuracy" and its breakdowns. The sample's first type is
// named by its value alone ("accuracy/yes/no", "accuracy/verify"), the others by key and value
// ("accuracy/question_type/what color is the", "accuracy/semantic/attr").
class AccuracyTable {
 public:
  void add(const VqaSample& sample, double score);

  size_t count() const { return count_; }
  double mean() const { return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_); }

  // "accuracy" first, then the breakdowns: the first type's values sorted, then each further
  // type's in order of first appearance, values sorted.
  std::vector<std::pair<std::string, double>> metrics() const;

 private:
  struct Sum {
    double total = 0.0;
    size_t count = 0;
  };
  double sum_ = 0.0;
  size_t count_ = 0;
  std::vector<std::string> keys_;                          // type keys, in order of first appearance
  std::map<std::string, std::map<std::string, Sum>> by_;  // key -> value -> sum
};

}  // namespace vlforge::vqa_eval
