// predictions.jsonl: one JSON line per answered query, what was asked, answered and expected:
//   {"id": "42", "question": "...", "options": {"A": "cat", "B": "dog"}, "prediction": "B.",
//    "extracted": "B", "answer": "B", "correct": true, "category": "attribute_recognition"}
// "correct" is null for a question whose file gives no answer (a test split). The file is
// written under a temporary name and renamed when complete.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "json_file.hpp"

namespace vlforge::mcq_eval {

struct PredictionLine {
  std::string id;
  std::string question;
  Json options = Json::object();  // letter -> text; MathVista: its list of choices (or null)
  std::string prediction;         // the generated answer as it came
  std::string extracted;          // what was compared with the answer ("" when nothing could be read)
  std::string answer;
  std::optional<bool> correct;
  std::string category;
  Json extra = Json::object();  // further fields: rotation, option log-probabilities, ...
};

class PredictionsFile {
 public:
  explicit PredictionsFile(const std::filesystem::path& out_dir) : writer_(out_dir) {}

  void add(const PredictionLine& line);
  void commit() { writer_.commit(); }

 private:
  PredictionsWriter writer_;
};

}  // namespace vlforge::mcq_eval
