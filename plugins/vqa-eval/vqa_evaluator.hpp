// evaluator/vqa (VQAv2, OK-VQA, TextVQA, VizWiz) and evaluator/gqa: one short-answer query per
// question, scored with VQA accuracy (GQA: exact match), broken down by the format's types.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "benchmark_source.hpp"
#include "short_answer_prompt.hpp"
#include "vlforge/interfaces/evaluator.hpp"
#include "vqa_sample.hpp"

namespace vlforge::vqa_eval {

struct VqaConfig {
  std::string format;
  std::filesystem::path questions;
  std::filesystem::path annotations;
  std::filesystem::path file;
  std::filesystem::path images;
  std::string image_pattern;
  int64_t limit = 0;
  int64_t max_new_tokens = 16;
  std::string prompt_suffix = kShortAnswerSuffix;
};

struct GqaConfig {
  std::filesystem::path file;
  std::filesystem::path images;
  std::string image_pattern;
  int64_t limit = 0;
  int64_t max_new_tokens = 16;
  std::string prompt_suffix = kShortAnswerSuffix;
};

class VqaEvaluator final : public Evaluator {
 public:
  explicit VqaEvaluator(const VqaConfig& cfg);
  explicit VqaEvaluator(const GqaConfig& cfg);

  std::vector<EvalQuery> queries(Context& ctx) override;
  EvalReport score(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                   const std::filesystem::path& out_dir, Context& ctx) override;

 private:
  // The first `limit` questions of the benchmark, read on first use.
  const std::vector<VqaSample>& samples();

  BenchmarkSource source_;
  int64_t limit_ = 0;
  ShortAnswerSettings prompt_;
  std::vector<VqaSample> samples_;
  std::unordered_map<std::string, size_t> by_id_;
  bool loaded_ = false;
};

}  // namespace vlforge::vqa_eval
