// evaluator/pope: object hallucination (POPE), yes/no questions about objects in COCO images,
// one or several of its question files (random, popular, adversarial), each scored on its own
// and averaged.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "pope_questions.hpp"
#include "short_answer_prompt.hpp"
#include "vlforge/interfaces/evaluator.hpp"

namespace vlforge::vqa_eval {

struct PopeConfig {
  std::vector<std::string> file;  // one or several question files
  std::filesystem::path images;
  int64_t limit = 0;
  int64_t max_new_tokens = 16;
  std::string prompt_suffix = kShortAnswerSuffix;
};

class PopeEvaluator final : public Evaluator {
 public:
  explicit PopeEvaluator(const PopeConfig& cfg);

  std::vector<EvalQuery> queries(Context& ctx) override;
  EvalReport score(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                   const std::filesystem::path& out_dir, Context& ctx) override;

 private:
  struct Split {
    std::string category;
    std::vector<PopeQuestion> questions;
  };
  const std::vector<Split>& splits();

  std::vector<std::filesystem::path> files_;
  std::filesystem::path images_;
  int64_t limit_ = 0;
  ShortAnswerSettings prompt_;
  std::vector<Split> splits_;
  std::unordered_map<std::string, size_t> by_id_;  // query id -> split * stride + question
  size_t stride_ = 0;
  bool loaded_ = false;
};

}  // namespace vlforge::vqa_eval
