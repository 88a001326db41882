// stage/filter: applies a selector to the score tables of an earlier stage/score and writes the
// kept samples as new WebDataset shards (shards/00000000.tar, ...: resharded to
// samples_per_shard each, listed in shards.txt), their list (kept.tsv: uid<TAB>source shard, in
// stream order) and a report (report.json, report.txt, and skipped.tsv with every record the
// dataset reader skipped: shard, key, reason, detail).
//
// The dataset is read again, shard by shard in shards.txt order, for each sample's source shard
// and content hash (StableHash of the image bytes). Selectors may be stateful (dedup), so the
// whole pass runs on rank 0.
#pragma once

#include "vlforge/interfaces/dataset.hpp"
#include "vlforge/interfaces/selector.hpp"
#include "vlforge/interfaces/stage.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::curation {

struct FilterStageConfig {
  StageRef scores;
  ComponentSpec data;
  ComponentSpec selector;
  bool write_shards = true;
  int64_t samples_per_shard = 10000;
};

Schema<FilterStageConfig> filter_stage_schema();

class FilterStage final : public Stage {
 public:
  explicit FilterStage(FilterStageConfig cfg) : cfg_(std::move(cfg)) {}

  void run(Context& ctx) override;

 private:
  FilterStageConfig cfg_;
};

}  // namespace vlforge::curation
