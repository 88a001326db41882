#include "results_table.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "vlforge/atomic_file.hpp"

namespace vlforge::evaluation {

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

nlohmann::ordered_json to_json(const EvalReport& r) {
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  for (const auto& [name, value] : r.metrics) metrics[name] = value;
  return {{"benchmark", r.benchmark}, {"samples", r.samples}, {"metrics", metrics}};
}

}  // namespace

std::string results_table(const std::vector<BenchmarkResult>& results) {
  std::string out = "| benchmark | samples | metric | value | other metrics |\n|---|---|---|---|---|\n";
  for (const auto& [folder, r] : results) {
    std::string headline = "-", value = "-", others;
    for (size_t i = 0; i < r.metrics.size(); ++i) {
      if (i == 0) {
        headline = r.metrics[i].first;
        value = number(r.metrics[i].second);
      } else {
        others += (others.empty() ? "" : ", ") + r.metrics[i].first + " " + number(r.metrics[i].second);
      }
    }
    out += "| " + r.benchmark + " | " + std::to_string(r.samples) + " | " + headline + " | " + value + " | " + others +
           " |\n";
  }
  return out;
}

std::string report_json(const EvalReport& report) { return to_json(report).dump(2) + "\n"; }

void write_results(const std::filesystem::path& dir, const std::string& model, const std::vector<BenchmarkResult>& results) {
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const auto& [folder, r] : results) {
    nlohmann::ordered_json j = to_json(r);
    j["folder"] = folder;
    all.push_back(std::move(j));
  }
  write_file_atomically(dir / "results.json", nlohmann::ordered_json{{"model", model}, {"results", all}}.dump(2) + "\n");
  write_file_atomically(dir / "results.md", "# Evaluation of " + model + "\n\n" + results_table(results));
}

}  // namespace vlforge::evaluation
