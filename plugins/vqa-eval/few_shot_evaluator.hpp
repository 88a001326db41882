// evaluator/few-shot-vqa: in-context few-shot VQA for a pre-trained base model (Open-Qwen2VL's
// Table 3: 0 vs 8 shots, 5 seeds). Every question is asked once per seed, each time after k
// demonstrations drawn with that seed from a support set (demonstration_sampler.hpp); the score
// is the format's metric, averaged over the seeds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "benchmark_source.hpp"
#include "vlforge/interfaces/evaluator.hpp"
#include "vqa_sample.hpp"

namespace vlforge::vqa_eval {

struct FewShotConfig {
  std::string format;
  std::filesystem::path questions;
  std::filesystem::path annotations;
  std::filesystem::path file;
  std::filesystem::path images;
  std::string image_pattern;
  std::filesystem::path support_questions;
  std::filesystem::path support_annotations;
  std::filesystem::path support_file;
  std::filesystem::path support_images;
  std::string support_image_pattern;
  int64_t shots = 8;
  std::vector<int64_t> seeds = {0, 1, 2, 3, 4};
  int64_t limit = 0;
  int64_t max_new_tokens = 16;
};

class FewShotEvaluator final : public Evaluator {
 public:
  explicit FewShotEvaluator(const FewShotConfig& cfg);

  std::vector<EvalQuery> queries(Context& ctx) override;
  EvalReport score(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                   const std::filesystem::path& out_dir, Context& ctx) override;

 private:
  void load();
  // "seed3/262148000" (no "seedS/" with 0 shots, where the seed plays no part).
  std::string query_id(size_t run, const VqaSample& sample) const;
  // The seeds asked: the configured ones, or one run with 0 shots.
  size_t runs() const { return shots_ == 0 ? 1 : seeds_.size(); }
  const std::vector<VqaSample>& support() const { return has_own_support_ ? support_ : evaluated_; }

  BenchmarkSource source_, support_source_;
  bool has_own_support_ = false;
  size_t shots_ = 8;
  std::vector<uint64_t> seeds_;
  int64_t limit_ = 0;
  int64_t max_new_tokens_ = 16;
  std::vector<VqaSample> evaluated_;  // the whole file: the support set unless one is given
  size_t asked_ = 0;                  // the first `limit` of evaluated_
  std::vector<VqaSample> support_;
  std::unordered_map<std::string, size_t> by_query_id_;  // -> run * asked_ + question
  bool loaded_ = false;
};

}  // namespace vlforge::vqa_eval
