// The results of one evaluation run: results.json (every report) and results.md (a table, one
// row per benchmark), and the same table for the log.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "vlforge/interfaces/evaluator.hpp"

namespace vlforge::evaluation {

struct BenchmarkResult {
  std::string folder;  // the evaluator's folder under the stage's
  EvalReport report;
};

// A Markdown table: benchmark, samples, headline metric, then the other metrics.
std::string results_table(const std::vector<BenchmarkResult>& results);

// Writes results.json and results.md into `dir`, atomically.
void write_results(const std::filesystem::path& dir, const std::string& model, const std::vector<BenchmarkResult>& results);

// An EvalReport as written into each evaluator's metrics.json.
std::string report_json(const EvalReport& report);

}  // namespace vlforge::evaluation
