// Helpers for the multiple-choice evaluator tests: base64 text of fixture bytes, answers written by
// hand, and reading back what an evaluator wrote.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval_report.hpp"
#include "vlforge/interfaces/evaluator.hpp"

namespace vlforge::mcq_eval::test {

using vlforge::test::answers_of;
using vlforge::test::metric;
using vlforge::test::metric_names;
using vlforge::test::read_predictions;

// Standard base64 with padding, as VLMEvalKit stores images.
std::string base64_of(const std::string& bytes);

// The bytes of an image given in memory ("" and a test failure for a file image).
std::string image_bytes(const ImageInput& image);

}  // namespace vlforge::mcq_eval::test
