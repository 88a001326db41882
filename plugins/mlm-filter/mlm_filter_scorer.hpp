// scorer/mlm-filter: an MLM-Filter model (a LLaVA-style multimodal LM fine-tuned to grade
// image-caption pairs) asked one of its four metric prompts per sample (mlm_filter_prompt.hpp).
//
// Score "generated" is the integer the model writes greedily, the reference behaviour (the
// Open-Qwen2VL data keeps semantic understanding >= 85); "expected" is the mean of its answer
// distribution over 0..100 (expected_score.hpp). Samples run in batches, left-padded. A sample
// scores NaN, and is counted, when its image cannot be decoded, its prompt is longer than
// max_prompt_tokens, or (generated) the answer holds no integer in 0..100.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlm_filter_prompt.hpp"
#include "score_candidates.hpp"
#include "vlforge/context.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/scorer.hpp"
#include "vlforge/interfaces/tokenizer.hpp"
#include "vlforge/logger.hpp"
#include "vlforge/multimodal_model.hpp"

namespace vlforge::mlm_filter {

struct MlmFilterConfig {
  ComponentSpec vision;
  ComponentSpec projector;
  ComponentSpec language_model;
  ComponentSpec tokenizer;
  ComponentSpec codec{"image_codec", "opencv", {}, {}};
  std::string metric;
  std::string score_name;  // empty: by metric
  std::string score = "generated";
  int64_t batch_size = 16;
  int64_t image_tokens = 0;
  int64_t max_new_tokens = 4;
  int64_t max_prompt_tokens = 2048;
  std::string answer_prefix = " ";
  std::string resize = "stretch";
};

class MlmFilterScorer final : public Scorer {
 public:
  // Creates the components, composes them and moves them to the run's device (each keeping its
  // dtype).
  MlmFilterScorer(const MlmFilterConfig& cfg, Context& ctx);
  ~MlmFilterScorer() override;

  std::string score_name() const override { return score_name_; }
  // "expected" adds SCORE_mass: the probability the model gives to answering with any of 0..100.
  std::vector<std::string> extra_fields() const override;
  int64_t batch_size() const override { return cfg_.batch_size; }
  std::vector<ScoreRow> score(std::span<const Sample> batch) override;

 private:
  // The samples of a chunk that can be scored, as one left-padded batch.
  struct PromptBatch {
    at::Tensor input_ids;       // [n, T]
    at::Tensor attention_mask;  // [n, T]
    at::Tensor pixel_values;    // [n, 3, S, S]
    std::vector<size_t> rows;   // which sample of the chunk each row is
  };

  std::vector<int64_t> prompt_ids(const std::string& caption) const;
  PromptBatch prepare(std::span<const Sample> chunk);
  void score_chunk(std::span<const Sample> chunk, std::span<ScoreRow> rows);

  MlmFilterConfig cfg_;
  Metric metric_;
  std::string score_name_;
  bool expected_ = false;
  std::shared_ptr<Tokenizer> tokenizer_;
  std::shared_ptr<ImageCodec> codec_;
  std::unique_ptr<MultimodalModel> model_;
  std::optional<ScoreCandidates> candidates_;  // "expected" only
  std::vector<int64_t> answer_prefix_;
  ResizeMode resize_ = ResizeMode::stretch;
  Logger log_;
  int64_t scored_ = 0, without_image_ = 0, too_long_ = 0, unreadable_ = 0;
};

}  // namespace vlforge::mlm_filter
