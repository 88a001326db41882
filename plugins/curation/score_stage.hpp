// stage/score: runs a scorer over every sample of a dataset and writes one score table per shard
// (score_table.hpp) under scores/, plus shards.txt (the shard order) and score_summary.json.
//
// Shard i is scored by rank i % world_size. A shard whose table exists is done: an interrupted
// run resumes with the shards it had not finished.
#pragma once

#include <cstdint>

#include "vlforge/interfaces/dataset.hpp"
#include "vlforge/interfaces/scorer.hpp"
#include "vlforge/interfaces/stage.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::curation {

struct ScoreStageConfig {
  ComponentSpec data;
  ComponentSpec scorer;
  int64_t batch_size = 0;
};

Schema<ScoreStageConfig> score_stage_schema();

class ScoreStage final : public Stage {
 public:
  explicit ScoreStage(ScoreStageConfig cfg) : cfg_(std::move(cfg)) {}

  void run(Context& ctx) override;

 private:
  ScoreStageConfig cfg_;
};

}  // namespace vlforge::curation
