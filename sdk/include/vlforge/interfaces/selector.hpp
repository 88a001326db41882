// Interface of kind `selector`: keep or drop samples given their scores and identity
// (thresholds, DataComp/DFN uid lists, union and intersection of selectors, deduplication).
//
// A stage calls select() shard by shard, in shard order, so stateful selectors (dedup) see
// every record once. Dropped samples carry a reason for the filter report.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/export.hpp"

namespace vlforge {

struct SelectionRecord {
  std::string uid;
  std::string source;        // shard the sample came from
  std::string content_hash;  // hash of the image bytes, when the stage computed it
  std::vector<std::pair<std::string, double>> scores;  // column name -> value

  // The score called `name`, or nullptr.
  const double* score(std::string_view name) const {
    for (const auto& [k, v] : scores)
      if (k == name) return &v;
    return nullptr;
  }
};

struct Verdict {
  bool keep = true;
  std::string reason;  // why it was dropped, e.g. "clip_score < 0.3"
};

class VLFORGE_API Selector : public Component {
 public:
  static constexpr std::string_view kind = "selector";
  ~Selector() override;

  // Score columns this selector reads; the stage checks they exist before running.
  virtual std::vector<std::string> required_scores() const { return {}; }
  // Writes one verdict per record (verdicts.size() == records.size()).
  virtual void select(std::span<const SelectionRecord> records, std::span<Verdict> verdicts) = 0;
};

}  // namespace vlforge
