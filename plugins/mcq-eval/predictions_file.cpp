#include "predictions_file.hpp"

namespace vlforge::mcq_eval {

void PredictionsFile::add(const PredictionLine& line) {
  Json j = Json::object();
  j["id"] = line.id;
  j["question"] = line.question;
  j["options"] = line.options;
  j["prediction"] = line.prediction;
  j["extracted"] = line.extracted;
  j["answer"] = line.answer;
  j["correct"] = line.correct ? Json(*line.correct) : Json(nullptr);
  j["category"] = line.category;
  for (const auto& [key, value] : line.extra.items()) j[key] = value;
  writer_.add(j);
}

}  // namespace vlforge::mcq_eval
