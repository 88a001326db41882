// stage/evaluate: runs a list of evaluators on a trained model. Each evaluator's queries are
// spread over the ranks (query i to rank i % ranks) and answered in batches; rank 0 gathers the
// answers and scores them. Writes into its folder:
//
//   NAME/answers.rank-R.jsonl   each rank's answers as they come (an interrupted run resumes)
//   NAME/predictions.jsonl      per sample: what was asked, answered and expected (the evaluator's)
//   NAME/metrics.json           the evaluator's metrics
//   results.json, results.md    every benchmark's metrics, and the table the log prints
#pragma once

#include <cstdint>
#include <vector>

#include "vlforge/assistant.hpp"
#include "vlforge/interfaces/stage.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::evaluation {

struct EvaluateStageConfig : AssistantConfig {
  std::vector<ComponentSpec> evaluators;
  int64_t batch_size = 8;  // generation rows decoded together
};

Schema<EvaluateStageConfig> evaluate_stage_schema();

class EvaluateStage final : public Stage {
 public:
  explicit EvaluateStage(EvaluateStageConfig cfg) : cfg_(std::move(cfg)) {}
  void run(Context& ctx) override;

 private:
  EvaluateStageConfig cfg_;
};

}  // namespace vlforge::evaluation
