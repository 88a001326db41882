// The prompt of the zero-shot benchmarks (VQAv2, OK-VQA, TextVQA, VizWiz, GQA, POPE), as LLaVA
// evaluates them: the image, the question, and an instruction to answer briefly, in the chat
// template of the model under test.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "vlforge/interfaces/evaluator.hpp"

namespace vlforge::vqa_eval {

inline constexpr const char* kShortAnswerSuffix = "\nAnswer the question using a single word or phrase.";

struct ShortAnswerSettings {
  int64_t max_new_tokens = 16;
  std::string prompt_suffix = kShortAnswerSuffix;
};

// "<image>\n" + question + prompt_suffix, the image read from `image` when the model needs it.
EvalPrompt short_answer_prompt(const std::string& question, const std::filesystem::path& image,
                               const ShortAnswerSettings& settings);

}  // namespace vlforge::vqa_eval
