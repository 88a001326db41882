#include "vqa_test_files.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>

#include "test_paths.hpp"

namespace vlforge::vqa_eval::test {

void touch_images(const std::filesystem::path& dir, const std::vector<std::string>& names) {
  std::filesystem::create_directories(dir);
  for (const auto& name : names) vlforge::test::write_text(dir / name, "image bytes of " + name);
}

std::string vqa_answers_json(const std::vector<std::pair<std::string, int>>& counts) {
  nlohmann::json answers = nlohmann::json::array();
  int id = 1;
  for (const auto& [answer, n] : counts)
    for (int i = 0; i < n; ++i) answers.push_back({{"answer", answer}, {"answer_confidence", "yes"}, {"answer_id", id++}});
  return answers.dump();
}

std::string answer_strings_json(const std::vector<std::pair<std::string, int>>& counts) {
  nlohmann::json answers = nlohmann::json::array();
  for (const auto& [answer, n] : counts)
    for (int i = 0; i < n; ++i) answers.push_back(answer);
  return answers.dump();
}

std::vector<EvalAnswer> answers_of(const std::vector<std::string>& texts) {
  std::vector<EvalAnswer> out;
  for (const auto& t : texts) out.push_back({t, {}});
  return out;
}

std::vector<nlohmann::json> read_predictions(const std::filesystem::path& out_dir) {
  std::ifstream in(out_dir / "predictions.jsonl");
  EXPECT_TRUE(in.good()) << "no predictions.jsonl in " << out_dir;
  std::vector<nlohmann::json> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

std::vector<std::string> metric_names(const EvalReport& report) {
  std::vector<std::string> names;
  for (const auto& [name, value] : report.metrics) names.push_back(name);
  return names;
}

double metric(const EvalReport& report, const std::string& name) {
  for (const auto& [n, value] : report.metrics)
    if (n == name) return value;
  ADD_FAILURE() << "report " << report.benchmark << " has no metric " << name;
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace vlforge::vqa_eval::test
