#include "threshold_selector.hpp"

#include <charconv>
#include <cmath>

#include "vlforge/error.hpp"

namespace vlforge::selectors {

namespace {

// Shortest text that reads back as the same double: "50", "0.3", "1e+308".
std::string shortest(double v) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

}  // namespace

ThresholdSelector::ThresholdSelector(ThresholdConfig cfg) : cfg_(std::move(cfg)) {
  if (cfg_.score.empty()) throw Error("selector/threshold", "score is empty (name a score column, e.g. \"clip_score\")");
  if (!(cfg_.min <= cfg_.max))
    throw Error("selector/threshold",
                "min = " + shortest(cfg_.min) + " is above max = " + shortest(cfg_.max) + " (nothing would be kept)");
  below_ = cfg_.score + " < " + shortest(cfg_.min);
  above_ = cfg_.score + " > " + shortest(cfg_.max);
  not_a_number_ = cfg_.score + " is NaN";
}

void ThresholdSelector::select(std::span<const SelectionRecord> records, std::span<Verdict> verdicts) {
  for (size_t i = 0; i < records.size(); ++i) {
    const double* value = records[i].score(cfg_.score);
    if (value == nullptr)
      throw Error("selector/threshold", "record '" + records[i].uid + "' of '" + records[i].source +
                                            "' has no score '" + cfg_.score +
                                            "' (every record needs the column named by `score`)");
    Verdict& v = verdicts[i];
    v = Verdict{};
    if (std::isnan(*value))
      v = {false, not_a_number_};
    else if (*value < cfg_.min)
      v = {false, below_};
    else if (*value > cfg_.max)
      v = {false, above_};
  }
}

}  // namespace vlforge::selectors
