#include "predictions_writer.hpp"

namespace vlforge::benchmark_files {

namespace {

std::filesystem::path created(const std::filesystem::path& out_dir) {
  std::filesystem::create_directories(out_dir);
  return out_dir / "predictions.jsonl";
}

}  // namespace

PredictionsWriter::PredictionsWriter(const std::filesystem::path& out_dir) : file_(created(out_dir)) {}

void PredictionsWriter::add(const Json& line) {
  // A model may emit bytes that are not UTF-8; they are written as U+FFFD rather than lost.
  file_.stream() << line.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace vlforge::benchmark_files
