#include "vlforge/metrics_sink.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "vlforge/error.hpp"

namespace vlforge {

struct MetricsSink::Stream {
  std::ofstream out;
};

MetricsSink::MetricsSink(std::filesystem::path file, bool enabled)
    : file_(std::move(file)), enabled_(enabled && !file_.empty()) {}

MetricsSink::~MetricsSink() = default;

void MetricsSink::write(int64_t step, const std::vector<std::pair<std::string, double>>& values) {
  if (!enabled_) return;
  if (!stream_) {
    stream_ = std::make_unique<Stream>();
    stream_->out.open(file_, std::ios::app);
    if (!stream_->out) throw Error(file_.string(), "cannot open metrics file for appending");
  }
  nlohmann::json row;
  row["step"] = step;
  for (const auto& [k, v] : values) {
    if (std::isfinite(v)) {
      row[k] = v;
    } else {
      row[k] = std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
    }
  }
  stream_->out << row.dump() << '\n';
  stream_->out.flush();
}

}  // namespace vlforge
