// evaluator/mmbench, mmstar, ai2d, seed-bench and mmmu: each question asked with LLaVA's
// multiple-choice prompt, answered by a generated letter (read with option_letter) or by the
// option letter of highest log-probability, scored by accuracy overall and per category. With
// `circular`, a question of n options is asked n times, its options rotated by 0..n-1 positions,
// and counts as right only when every rotation is (MMBench's CircularEval).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "choice_question.hpp"
#include "vlforge/interfaces/evaluator.hpp"

namespace vlforge::mcq_eval {

enum class ChoiceFormat { tsv, mmmu, seed_bench };

struct ChoiceConfig {
  std::filesystem::path file;
  std::filesystem::path images;  // seed-bench
  std::string mode = "generate";
  bool circular = false;
  int64_t max_new_tokens = 8;
  int64_t limit = 0;
};

class ChoiceEvaluator final : public Evaluator {
 public:
  ChoiceEvaluator(std::string benchmark, ChoiceFormat format, const ChoiceConfig& cfg);

  std::vector<EvalQuery> queries(Context& ctx) override;
  EvalReport score(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                   const std::filesystem::path& out_dir, Context& ctx) override;

 private:
  struct Asked {
    size_t question = 0;
    size_t rotation = 0;
  };

  // The first `limit` questions of the file, read on first use.
  const std::vector<ChoiceQuestion>& questions();
  size_t rotations(const ChoiceQuestion& q) const;
  static std::string query_id(const ChoiceQuestion& q, size_t rotation);

  std::string benchmark_;
  ChoiceFormat format_;
  ChoiceConfig cfg_;
  bool likelihood_ = false;
  std::vector<ChoiceQuestion> questions_;
  std::unordered_map<std::string, size_t> by_query_id_;  // -> position in asked_
  std::vector<Asked> asked_;
  bool loaded_ = false;
};

// The question with its option texts rotated by `rotation` positions: option i shows the text of
// option (i + rotation) mod n, and the answer letter moves with its text.
ChoiceQuestion rotated(const ChoiceQuestion& q, size_t rotation);

}  // namespace vlforge::mcq_eval
