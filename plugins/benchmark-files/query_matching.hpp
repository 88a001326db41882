// Pairs the answers score() receives with what was asked: the answers must be one per query, and
// each query id must be one the evaluator made.
#pragma once

#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "vlforge/interfaces/evaluator.hpp"

namespace vlforge::benchmark_files {

// For each query, `index`'s value for its id. Errors name `where` (the benchmark).
std::vector<size_t> match_queries(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                                  const std::unordered_map<std::string, size_t>& index, const std::string& where);

}  // namespace vlforge::benchmark_files
