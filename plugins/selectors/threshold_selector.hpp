// selector/threshold: keeps a record when min <= score <= max.
#pragma once

#include <string>

#include "vlforge/interfaces/selector.hpp"

namespace vlforge::selectors {

struct ThresholdConfig {
  std::string score;
  double min = 0.0;
  double max = 1e308;  // TOML has no -inf/+inf defaults that read well; 1e308 means "no upper bound"
};

class ThresholdSelector final : public Selector {
 public:
  explicit ThresholdSelector(ThresholdConfig cfg);

  std::vector<std::string> required_scores() const override { return {cfg_.score}; }
  void select(std::span<const SelectionRecord> records, std::span<Verdict> verdicts) override;

 private:
  ThresholdConfig cfg_;
  // Precomputed drop reasons, e.g. "caption_quality < 50".
  std::string below_, above_, not_a_number_;
};

}  // namespace vlforge::selectors
