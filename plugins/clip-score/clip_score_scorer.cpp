#include "clip_score_scorer.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <limits>

#include "vlforge/error.hpp"
#include "vlforge/image_pixels.hpp"

namespace vlforge::clip_score {

namespace {

constexpr const char* kWhere = "scorer/clip-score";

TextFamily text_family(const ClipScoreConfig& cfg) {
  if (cfg.text_format == "clip") return TextFamily::clip;
  if (cfg.text_format == "siglip") return TextFamily::siglip;
  if (cfg.encoder.kind == "vision_encoder" && cfg.encoder.name == "clip") return TextFamily::clip;
  if (cfg.encoder.kind == "vision_encoder" && cfg.encoder.name == "siglip") return TextFamily::siglip;
  throw Error(kWhere, "text_format = \"auto\" knows the captions of vision_encoder/clip and vision_encoder/siglip, not " +
                          cfg.encoder.use() + " (set text_format = \"clip\" or \"siglip\")");
}

ResizeMode resize_mode(const std::string& name) {
  if (name == "stretch") return ResizeMode::stretch;
  if (name == "shorter_side") return ResizeMode::shorter_side;
  if (name == "pad_square") return ResizeMode::pad_square;
  throw Error(kWhere, "unknown resize '" + name + "' (stretch, shorter_side or pad_square)");
}

}  // namespace

ClipScoreScorer::ClipScoreScorer(const ClipScoreConfig& cfg, Context& ctx) : cfg_(cfg), log_(ctx.log()) {
  encoder_ = ctx.create<VisionEncoder>(cfg_.encoder);
  if (!encoder_->has_text_tower())
    throw Error(kWhere, cfg_.encoder.use() + " was created without its text tower (set text_tower = true in its table)");
  tokenizer_ = ctx.create<Tokenizer>(cfg_.tokenizer);
  codec_ = ctx.create<ImageCodec>(cfg_.codec);
  layout_ = text_layout(text_family(cfg_), *tokenizer_, cfg_.max_text_length, kWhere);
  resize_ = resize_mode(cfg_.resize);

  encoder_->set_training(false);
  encoder_->to_device(ctx.device());
}

ClipScoreScorer::~ClipScoreScorer() {
  if (without_image_ > 0)
    log_.warn(cfg_.score_name, ": ", without_image_, " of ", scored_,
              " samples had no decodable image and scored NaN (selector/threshold drops them)");
}

std::vector<ScoreRow> ClipScoreScorer::score(std::span<const Sample> batch) {
  std::vector<ScoreRow> rows(batch.size(), ScoreRow{std::numeric_limits<double>::quiet_NaN(), {}});
  const auto step = static_cast<size_t>(cfg_.batch_size);
  for (size_t start = 0; start < batch.size(); start += step) {
    const size_t n = std::min(step, batch.size() - start);
    score_chunk(batch.subspan(start, n), std::span(rows).subspan(start, n));
  }
  scored_ += static_cast<int64_t>(batch.size());
  return rows;
}

void ClipScoreScorer::score_chunk(std::span<const Sample> chunk, std::span<ScoreRow> rows) {
  const ImagePreprocess preprocess = encoder_->preprocess();
  std::vector<at::Tensor> pixels;
  std::vector<std::vector<int64_t>> captions;
  std::vector<size_t> scored;
  for (size_t i = 0; i < chunk.size(); ++i) {
    const Sample& sample = chunk[i];
    if (sample.image.empty()) {
      ++without_image_;
      log_.debug(cfg_.score_name, ": sample '", sample.key, "' has no image: score NaN");
      continue;
    }
    try {
      pixels.push_back(image_pixels(*codec_, sample.image, preprocess, resize_));
    } catch (const Error& e) {
      ++without_image_;
      log_.debug(cfg_.score_name, ": sample '", sample.key, "': ", e.what(), ": score NaN");
      continue;
    }
    captions.push_back(tokenizer_->encode(sample.text));
    scored.push_back(i);
  }
  if (scored.empty()) return;

  torch::NoGradGuard no_grad;
  const TextBatch text = lay_out_texts(layout_, captions);
  const at::Tensor image = encoder_->image_embeds(at::stack(pixels)).to(at::kFloat);
  const at::Tensor caption = encoder_->text_embeds(text.input_ids, text.attention_mask).to(image.device(), at::kFloat);
  const at::Tensor cosine = at::cosine_similarity(image, caption, 1).to(at::kCPU, at::kDouble).contiguous();
  const auto value = cosine.accessor<double, 1>();
  for (size_t j = 0; j < scored.size(); ++j) rows[scored[j]].score = value[static_cast<int64_t>(j)];
}

}  // namespace vlforge::clip_score
