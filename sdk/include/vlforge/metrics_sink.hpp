// vlforge::MetricsSink: per-step scalar metrics, appended as JSON lines to a stage's
// metrics.jsonl (rank 0 only), e.g. {"step": 10, "loss": 2.31, "lr": 5e-05}.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vlforge/export.hpp"

namespace vlforge {

class VLFORGE_API MetricsSink {
 public:
  // An empty path or enabled == false makes a sink that drops everything (non-zero ranks).
  MetricsSink(std::filesystem::path file, bool enabled);
  ~MetricsSink();
  MetricsSink(const MetricsSink&) = delete;
  MetricsSink& operator=(const MetricsSink&) = delete;

  void write(int64_t step, const std::vector<std::pair<std::string, double>>& values);
  const std::filesystem::path& file() const noexcept { return file_; }

 private:
  std::filesystem::path file_;
  bool enabled_;
  struct Stream;
  std::unique_ptr<Stream> stream_;
};

}  // namespace vlforge
