// Which option a generated answer chose, after VLMEvalKit's can_infer (can_infer_option, then
// can_infer_text):
//  1. The answer with . ( ) [ ] , : ; ! * # { } read as spaces, split into words: when exactly one
//     option letter is a word of it ("A", "(B)", "B)", "The answer is C", "Answer: D"), that one.
//     Two or more ("A or B") choose nothing.
//  2. No capital letter at all, but the whole answer is one lower-case option letter ("c"): that one.
//  3. Otherwise by text, ignoring case: the option whose text the answer equals (without a final
//     period); failing that, the one option whose text the answer contains.
// "" when none of these picks exactly one option.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "choice_question.hpp"

namespace vlforge::mcq_eval {

std::string option_letter(std::string_view answer, std::span<const ChoiceOption> options);

}  // namespace vlforge::mcq_eval
