#include "vqa_scorer.hpp"

#include <algorithm>

#include "vqa_answer_normalizer.hpp"

namespace vlforge::vqa_eval {

AnswerMetric answer_metric(BenchmarkFormat format) {
  return format == BenchmarkFormat::gqa ? AnswerMetric::exact_match : AnswerMetric::vqa_accuracy;
}

double vqa_accuracy(std::string_view prediction, std::span<const std::string> answers) {
  if (answers.empty()) return 0.0;
  const auto matches = static_cast<size_t>(std::count(answers.begin(), answers.end(), prediction));
  double total = 0.0;
  for (const std::string& left_out : answers) {
    const size_t others = matches - (left_out == prediction ? 1 : 0);
    total += std::min(1.0, static_cast<double>(others) / 3.0);
  }
  return total / static_cast<double>(answers.size());
}

ScoredAnswer score_answer(AnswerMetric metric, const VqaSample& sample, std::string_view prediction) {
  ScoredAnswer out;
  out.normalised = normalize_vqa_answer(prediction);
  std::vector<std::string> answers;
  answers.reserve(sample.answers.size());
  for (const std::string& a : sample.answers) answers.push_back(normalize_vqa_answer(a));
  if (metric == AnswerMetric::vqa_accuracy) {
    out.score = vqa_accuracy(out.normalised, answers);
  } else {
    out.score = std::find(answers.begin(), answers.end(), out.normalised) != answers.end() ? 1.0 : 0.0;
  }
  return out;
}

void AccuracyTable::add(const VqaSample& sample, double score) {
  sum_ += score;
  ++count_;
  for (const auto& [key, value] : sample.types) {
    if (std::find(keys_.begin(), keys_.end(), key) == keys_.end()) keys_.push_back(key);
    Sum& s = by_[key][value];
    s.total += score;
    ++s.count;
  }
}

std::vector<std::pair<std::string, double>> AccuracyTable::metrics() const {
  std::vector<std::pair<std::string, double>> out = {{"accuracy", mean()}};
  for (size_t k = 0; k < keys_.size(); ++k) {
    const std::string prefix = k == 0 ? "accuracy/" : "accuracy/" + keys_[k] + "/";
    for (const auto& [value, s] : by_.at(keys_[k]))
      out.emplace_back(prefix + value, s.total / static_cast<double>(s.count));
  }
  return out;
}

}  // namespace vlforge::vqa_eval
