#include "query_matching.hpp"

#include "vlforge/error.hpp"

namespace vlforge::benchmark_files {

std::vector<size_t> match_queries(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                                  const std::unordered_map<std::string, size_t>& index, const std::string& where) {
  if (queries.size() != answers.size())
    throw Error(where, std::to_string(answers.size()) + " answers for " + std::to_string(queries.size()) +
                           " queries (expected one answer per query)");
  std::vector<size_t> out;
  out.reserve(queries.size());
  for (const EvalQuery& q : queries) {
    const auto it = index.find(q.id);
    if (it == index.end()) throw Error(where, "query \"" + q.id + "\" is not one of this benchmark's questions");
    out.push_back(it->second);
  }
  return out;
}

}  // namespace vlforge::benchmark_files
