// The answer normalisation of the official VQA evaluation (GT-Vision-Lab/VQA,
// PythonEvaluationTools/vqaEvaluation/vqaEval.py), which the VQAv2, OK-VQA, VizWiz, TextVQA and
// GQA scores of every published model are computed with:
//
//   normalize_vqa_answer(" The Two dogs.\n") == "2 dogs"
//
// Each step follows the Python code character for character, quirks included (see the .cpp).
#pragma once

#include <string>
#include <string_view>

namespace vlforge::vqa_eval {

// processPunctuation: each of ; / [ ] " { } ( ) = + \ _ - > < @ ` , ? ! is deleted when the text
// has it next to a space, or has a digit-comma-digit anywhere; otherwise it becomes a space. Then
// every period not followed by a digit is deleted (at most 32: the script passes re.UNICODE as
// re.sub's count).
std::string process_punctuation(std::string_view text);

// processDigitArticle: lower-cases (Unicode, as Python's str.lower), splits at whitespace, maps
// number words "none", "zero" .. "ten" to digits, drops the articles a / an / the, applies the
// contractions table ("dont" -> "don't") and joins the words with single spaces.
std::string process_digit_article(std::string_view text);

// The whole normalisation of an answer: newlines and tabs become spaces, surrounding whitespace
// is stripped, then process_punctuation and process_digit_article.
std::string normalize_vqa_answer(std::string_view answer);

}  // namespace vlforge::vqa_eval
