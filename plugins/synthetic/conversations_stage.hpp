// stage/synthetic-conversations: supervised fine-tuning data from the synthetic world, written
// into the stage's folder on rank 0 (the other ranks wait for it):
//
//   images/NNNNNNNN.ppm   one rendered scene per image sample, numbered like the sample ids
//   train.json            LLaVA-style conversations: [{"id", "image", "conversations": [
//                         {"from": "human", "value": "<image>\nWhat colour is the background?"},
//                         {"from": "gpt", "value": "white"}, ...]}, ...]; text-only samples
//                         have no "image"
//   eval.jsonl            held-out images, one closed question each, the four closed kinds in
//                         equal shares: {"id", "image", "question", "answer", "choices", "kind"};
//                         ask it as training does ("<image>\n" + question) and score exact
//                         match; chance is 1 / len(choices)
//   eval_vizwiz.json      the same questions in VizWiz-VQA's layout, for evaluator/vqa
//
// Train sample i and eval sample j are pure functions of (seed, i) and (seed, j), except that an
// eval scene whose image equals a train image is redrawn, so eval images are never trained on.
#pragma once

#include <cstdint>

#include "vlforge/interfaces/stage.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::synthetic {

struct ConversationsStageConfig {
  int64_t samples = 2000;
  int64_t eval_samples = 200;
  int64_t image_size = 32;
  int64_t seed = -1;  // -1: the run's seed
  double text_only_fraction = 0.05;
};

Schema<ConversationsStageConfig> conversations_stage_schema();

class ConversationsStage final : public Stage {
 public:
  explicit ConversationsStage(ConversationsStageConfig cfg) : cfg_(cfg) {}

  void run(Context& ctx) override;

 private:
  void write(Context& ctx) const;

  ConversationsStageConfig cfg_;
};

}  // namespace vlforge::synthetic
