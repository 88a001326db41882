// The raw-text prompt of few-shot VQA for a pre-trained base model, with k demonstrations before
// the question:
//
//   <image>Question: Q1 Short answer: A1\n<image>Question: Q2 Short answer: A2\n...<image>Question: Q Short answer:
//
// not wrapped in a chat template; generation stops at the end of the line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vlforge/interfaces/evaluator.hpp"
#include "vqa_sample.hpp"

namespace vlforge::vqa_eval {

// The answer most annotators gave, as written (the first of them to appear on a tie).
std::string most_common_answer(const VqaSample& sample);

EvalPrompt few_shot_prompt(const std::vector<const VqaSample*>& demonstrations, const VqaSample& query,
                           int64_t max_new_tokens);

}  // namespace vlforge::vqa_eval
