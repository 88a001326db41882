// Checking what an evaluator returns and writes: answers written by hand, its predictions.jsonl,
// the metrics of its report.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vlforge/interfaces/evaluator.hpp"

namespace vlforge::test {

// Generated answers with these texts (no option scores).
std::vector<EvalAnswer> answers_of(const std::vector<std::string>& texts);

// Each line of OUT_DIR/predictions.jsonl.
std::vector<nlohmann::json> read_predictions(const std::filesystem::path& out_dir);

std::vector<std::string> metric_names(const EvalReport& report);
// The named metric; NaN (and a test failure) when the report lacks it.
double metric(const EvalReport& report, const std::string& name);

}  // namespace vlforge::test
