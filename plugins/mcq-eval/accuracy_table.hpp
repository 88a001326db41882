// Right/wrong counts overall and per category, as metrics: "accuracy" first, then
// "accuracy/<category>" in name order (categories named "" count only overall).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vlforge::mcq_eval {

class AccuracyTable {
 public:
  void add(const std::string& category, bool correct);

  int64_t total() const { return total_.n; }
  double accuracy() const { return total_.accuracy(); }
  // Empty when nothing was added.
  std::vector<std::pair<std::string, double>> metrics() const;

 private:
  struct Count {
    int64_t right = 0, n = 0;
    double accuracy() const { return n == 0 ? 0.0 : static_cast<double>(right) / static_cast<double>(n); }
  };
  Count total_;
  std::map<std::string, Count> categories_;
};

}  // namespace vlforge::mcq_eval
