// MMMU's open questions, scored as MMMU's eval_open does in spirit: the expected answer (or each of
// a Python list of them, "['24/7', '3.43']") is a number or a text. A number is right when a
// number in the prediction equals it after rounding both to 2 decimals; a text is right when the
// normalised prediction contains it (lower case, surrounding spaces and a final period removed).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vlforge::mcq_eval {

// Lower case, trimmed, without a final period.
std::string normalised_open_answer(std::string_view text);

// The expected answers: the items of a Python list literal of strings or numbers, else `answer` itself.
std::vector<std::string> expected_open_answers(std::string_view answer);

bool open_answer_matches(std::string_view prediction, std::string_view answer);

}  // namespace vlforge::mcq_eval
