// Small benchmark files for the VQA evaluator tests, written in each benchmark's own format, and
// reading back what an evaluator wrote.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "vlforge/interfaces/evaluator.hpp"

namespace vlforge::vqa_eval::test {

// Image files that exist (a few bytes each: no evaluator decodes them).
void touch_images(const std::filesystem::path& dir, const std::vector<std::string>& names);

// A VQAv2 annotation's "answers": {{"red", 2}, {"blue", 8}} -> 10 {"answer", "answer_confidence",
// "answer_id"} objects, "red" twice then "blue" eight times.
std::string vqa_answers_json(const std::vector<std::pair<std::string, int>>& counts);

// ["a", "a", "b"] for {{"a", 2}, {"b", 1}} (TextVQA's answers).
std::string answer_strings_json(const std::vector<std::pair<std::string, int>>& counts);

std::vector<EvalAnswer> answers_of(const std::vector<std::string>& texts);

// Each line of OUT_DIR/predictions.jsonl.
std::vector<nlohmann::json> read_predictions(const std::filesystem::path& out_dir);

std::vector<std::string> metric_names(const EvalReport& report);
// The named metric; NaN (and a test failure) when the report lacks it.
double metric(const EvalReport& report, const std::string& name);

}  // namespace vlforge::vqa_eval::test
