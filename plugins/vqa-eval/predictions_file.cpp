#include "predictions_file.hpp"

namespace vlforge::vqa_eval {

namespace {

std::filesystem::path created(const std::filesystem::path& out_dir) {
  std::filesystem::create_directories(out_dir);
  return out_dir / "predictions.jsonl";
}

}  // namespace

PredictionsFile::PredictionsFile(const std::filesystem::path& out_dir) : file_(created(out_dir)) {}

void PredictionsFile::add(const PredictionLine& line) {
  Json j = Json::object();
  j["question_id"] = line.question_id;
  j["question"] = line.question;
  j["prediction"] = line.prediction;
  j["normalised"] = line.normalised;
  j["answers"] = line.answers;
  j["score"] = line.score;
  for (const auto& [key, value] : line.extra.items()) j[key] = value;
  // A model may emit bytes that are not UTF-8; they are written as U+FFFD rather than lost.
  file_.stream() << j.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace vlforge::vqa_eval
