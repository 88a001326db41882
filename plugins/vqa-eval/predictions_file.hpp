// predictions.jsonl: one JSON line per scored query, what was asked, answered and expected:
//   {"question_id": 262148000, "question": "...", "prediction": "Two.", "normalised": "2",
//    "answers": ["2", "2", ...], "score": 0.6, "answer_type": "number", ...}
// written under a temporary name and renamed when complete.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "json_file.hpp"

namespace vlforge::vqa_eval {

struct PredictionLine {
  Json question_id;
  std::string question;
  std::string prediction;  // the model's answer as generated
  std::string normalised;  // what was compared with the answers
  std::vector<std::string> answers;
  double score = 0.0;
  Json extra = Json::object();  // further fields: types, seed, POPE label, ...
};

class PredictionsFile {
 public:
  explicit PredictionsFile(const std::filesystem::path& out_dir) : writer_(out_dir) {}

  void add(const PredictionLine& line);
  void commit() { writer_.commit(); }

 private:
  PredictionsWriter writer_;
};

}  // namespace vlforge::vqa_eval
