// The prompt LLaVA's model_vqa_mmbench.py asks multiple-choice questions with:
//   "<image>\n" + hint + "\n" + question + "\nA. cat\nB. dog" +
//   "\nAnswer with the option's letter from the given choices directly."
// (no hint line when there is none), and its short-answer form for MMMU's open questions.
#pragma once

#include <span>
#include <string>

#include "choice_question.hpp"

namespace vlforge::mcq_eval {

inline constexpr const char* kLetterInstruction = "\nAnswer with the option's letter from the given choices directly.";
inline constexpr const char* kShortAnswerInstruction = "\nAnswer the question using a single word or phrase.";

// Hint line (if any), question, the options one per line, then the instruction: the letter
// instruction with options, the short-answer one without. No image markers.
std::string choice_prompt_text(const std::string& hint, const std::string& question,
                               std::span<const ChoiceOption> options);

}  // namespace vlforge::mcq_eval
