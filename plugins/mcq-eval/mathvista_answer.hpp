// Reading MathVista answers without a judge model. Extraction by the problem's type:
//   multi_choice -> the chosen option (by letter or by its text, see option_letter) as its text;
//   integer      -> the last integer written in the answer;
//   float        -> the last number, rounded to `precision` decimals;
//   list         -> the numbers in the last [...] of the answer, as "[1, 2.5]";
//   text         -> the answer, trimmed.
// Comparison is unit-free: the problem's unit and thousands separators are dropped from both
// sides; two numbers compare by value (floats after rounding to the precision), lists item by
// item, texts ignoring case.
#pragma once

#include <string>
#include <string_view>

#include "mathvista_problem.hpp"

namespace vlforge::mcq_eval {

// "" when nothing of the expected kind is in the response.
std::string extract_mathvista_answer(const MathVistaProblem& p, std::string_view response);

bool mathvista_answer_correct(const MathVistaProblem& p, const std::string& extracted);

}  // namespace vlforge::mcq_eval
