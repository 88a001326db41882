// scorer/clip-score: the cosine similarity of a contrastive encoder's image and text embeddings
// (CLIP or SigLIP with its text tower), the CLIP score of DataComp and of the CCS filtering.
//
// Images are decoded with the `codec` and prepared as the encoder asks (size, mean, std) with a
// plain resize; captions are laid out as the encoder family was trained (text_layout.hpp). A
// sample without a decodable image scores NaN, which selector/threshold drops.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "text_layout.hpp"
#include "vlforge/context.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/scorer.hpp"
#include "vlforge/interfaces/tokenizer.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"
#include "vlforge/logger.hpp"

namespace vlforge::clip_score {

struct ClipScoreConfig {
  ComponentSpec encoder;
  ComponentSpec tokenizer;
  ComponentSpec codec{"image_codec", "opencv", {}, {}};
  std::string score_name = "clip_score";
  int64_t batch_size = 256;
  std::string text_format = "auto";
  int64_t max_text_length = 0;
  std::string resize = "stretch";
};

class ClipScoreScorer final : public Scorer {
 public:
  // Creates the components and moves the encoder to the run's device (keeping its dtype).
  ClipScoreScorer(const ClipScoreConfig& cfg, Context& ctx);
  ~ClipScoreScorer() override;

  std::string score_name() const override { return cfg_.score_name; }
  int64_t batch_size() const override { return cfg_.batch_size; }
  // Runs the encoder on at most batch_size samples at a time.
  std::vector<ScoreRow> score(std::span<const Sample> batch) override;

 private:
  void score_chunk(std::span<const Sample> chunk, std::span<ScoreRow> rows);

  ClipScoreConfig cfg_;
  std::shared_ptr<VisionEncoder> encoder_;
  std::shared_ptr<Tokenizer> tokenizer_;
  std::shared_ptr<ImageCodec> codec_;
  TextLayout layout_;
  ResizeMode resize_ = ResizeMode::stretch;
  Logger log_;
  int64_t scored_ = 0;
  int64_t without_image_ = 0;
};

}  // namespace vlforge::clip_score
