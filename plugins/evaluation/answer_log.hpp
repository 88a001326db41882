// One rank's answers to an evaluator's queries, appended as they come (answers.rank-R.jsonl), so
// that an interrupted evaluation resumes where it stopped and rank 0 can gather every rank's.
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>

#include "vlforge/interfaces/evaluator.hpp"

namespace vlforge::evaluation {

class AnswerLog {
 public:
  // Reads what `file` already holds (a cut last line is dropped), then appends to it.
  explicit AnswerLog(std::filesystem::path file);

  const std::map<size_t, EvalAnswer>& answers() const { return answers_; }
  void add(size_t query, const EvalAnswer& answer);

  // Every answer a log file holds, by query index.
  static std::map<size_t, EvalAnswer> read(const std::filesystem::path& file);

 private:
  std::filesystem::path file_;
  std::map<size_t, EvalAnswer> answers_;
  std::ofstream out_;
};

}  // namespace vlforge::evaluation
