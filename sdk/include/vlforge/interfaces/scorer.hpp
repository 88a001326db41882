// Interface of kind `scorer`: a per-sample quality score, computed in batches (CLIP/SigLIP
// similarity, MLM-Filter, caption heuristics).
//
// The score table of a shard has the columns uid, `score_name()` and `extra_fields()`.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/export.hpp"
#include "vlforge/sample.hpp"

namespace vlforge {

struct ScoreRow {
  double score = 0.0;
  std::vector<double> extras;  // one per extra_fields(), same order
};

class VLFORGE_API Scorer : public Component {
 public:
  static constexpr std::string_view kind = "scorer";
  ~Scorer() override;

  // Column name of the main score, e.g. "clip_score", "mlm_su".
  virtual std::string score_name() const = 0;
  virtual std::vector<std::string> extra_fields() const { return {}; }
  virtual int64_t batch_size() const { return 64; }
  // One row per sample, in order.
  virtual std::vector<ScoreRow> score(std::span<const Sample> batch) = 0;
};

}  // namespace vlforge
