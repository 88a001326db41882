// Plugin `clip-score`: scorer/clip-score.
#include <memory>

#include "clip_score_scorer.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::clip_score {
namespace {

Schema<ClipScoreConfig> clip_score_schema() {
  Schema<ClipScoreConfig> s(
      "CLIP score: cosine similarity (-1..1, not rescaled) of the image and caption embeddings of a contrastive "
      "encoder, e.g. vision_encoder/clip or vision_encoder/siglip created with text_tower = true. Images are "
      "decoded by `codec`, resized to the encoder's input size (`resize`) and normalised with its mean and std. "
      "Captions: CLIP's [bos] text [eos] in 77 ids with a padding mask, or SigLIP's text [eos] padded to 64 ids "
      "without one (as each family was trained); truncation keeps the eos. The device is the run's. A sample "
      "whose image is missing or cannot be decoded scores NaN (never an error), and selector/threshold drops NaN.");
  s.field("encoder", &ClipScoreConfig::encoder, "contrastive encoder with its text tower").kind("vision_encoder");
  s.field("tokenizer", &ClipScoreConfig::tokenizer, "the text tower's tokenizer").kind("tokenizer");
  s.field("codec", &ClipScoreConfig::codec, "decodes and resizes the images").kind("image_codec");
  s.field("score_name", &ClipScoreConfig::score_name, "column of the score");
  s.field("batch_size", &ClipScoreConfig::batch_size, "samples per encoder run").min(1);
  s.field("text_format", &ClipScoreConfig::text_format,
          "caption layout: clip, siglip, or auto (from the encoder: vision_encoder/clip or vision_encoder/siglip)")
      .choices({"auto", "clip", "siglip"});
  s.field("max_text_length", &ClipScoreConfig::max_text_length,
          "ids per caption including special tokens (the text tower's max_position_embeddings at most); 0: 77 for "
          "clip, 64 for siglip")
      .min(0);
  s.field("resize", &ClipScoreConfig::resize,
          "stretch: plain resize to the square input (SigLIP's, and the paper's); shorter_side: shorter side to the "
          "input size, then the centre square (CLIP's own); pad_square: pad to a square with the mean colour first")
      .choices({"stretch", "shorter_side", "pad_square"});
  return s;
}

void register_components(Registrar& r) {
  r.add<Scorer>("clip-score", clip_score_schema(), [](const ClipScoreConfig& cfg, Context& ctx) {
    return std::make_unique<ClipScoreScorer>(cfg, ctx);
  });
}

}  // namespace
}  // namespace vlforge::clip_score

VLFORGE_PLUGIN(vlforge::clip_score::register_components)
