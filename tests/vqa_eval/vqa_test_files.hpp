// Small benchmark files for the VQA evaluator tests, written in each benchmark's own format, and
// reading back what an evaluator wrote.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval_report.hpp"
#include "vlforge/interfaces/evaluator.hpp"

namespace vlforge::vqa_eval::test {

using vlforge::test::answers_of;
using vlforge::test::metric;
using vlforge::test::metric_names;
using vlforge::test::read_predictions;

// Image files that exist (a few bytes each: no evaluator decodes them).
void touch_images(const std::filesystem::path& dir, const std::vector<std::string>& names);

// A VQAv2 annotation's "answers": {{"red", 2}, {"blue", 8}} -> 10 {"answer", "answer_confidence",
// "answer_id"} objects, "red" twice then "blue" eight times.
std::string vqa_answers_json(const std::vector<std::pair<std::string, int>>& counts);

// ["a", "a", "b"] for {{"a", 2}, {"b", 1}} (TextVQA's answers).
std::string answer_strings_json(const std::vector<std::pair<std::string, int>>& counts);

}  // namespace vlforge::vqa_eval::test
