// predictions.jsonl of an evaluator: one JSON object per line, in the order added, written under a
// temporary name and renamed on commit(). What each line holds is the evaluator's.
#pragma once

#include <filesystem>

#include "benchmark_json.hpp"
#include "vlforge/atomic_file.hpp"

namespace vlforge::benchmark_files {

class PredictionsWriter {
 public:
  explicit PredictionsWriter(const std::filesystem::path& out_dir);

  void add(const Json& line);
  void commit() { file_.commit(); }

 private:
  AtomicFile file_;
};

}  // namespace vlforge::benchmark_files
