#include "eval_report.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>

namespace vlforge::test {

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

}  // namespace vlforge::test
