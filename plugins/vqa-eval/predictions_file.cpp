#include "predictions_file.hpp"

namespace vlforge::vqa_eval {

void PredictionsFile::add(const PredictionLine& line) {
  Json j = Json::object();
  j["question_id"] = line.question_id;
  j["question"] = line.question;
  j["prediction"] = line.prediction;
  j["normalised"] = line.normalised;
  j["answers"] = line.answers;
  j["score"] = line.score;
  for (const auto& [key, value] : line.extra.items()) j[key] = value;
  writer_.add(j);
}

}  // namespace vlforge::vqa_eval
