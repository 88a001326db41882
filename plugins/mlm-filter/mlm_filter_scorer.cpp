#include "mlm_filter_scorer.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <limits>

#include "expected_score.hpp"
#include "score_parser.hpp"
#include "vlforge/error.hpp"
#include "vlforge/generation.hpp"
#include "vlforge/image_pixels.hpp"

namespace vlforge::mlm_filter {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

ResizeMode resize_mode(const std::string& name) {
  if (name == "stretch") return ResizeMode::stretch;
  if (name == "pad_square") return ResizeMode::pad_square;
  throw Error("scorer/mlm-filter", "unknown resize '" + name + "' (stretch or pad_square)");
}

}  // namespace

MlmFilterScorer::MlmFilterScorer(const MlmFilterConfig& cfg, Context& ctx)
    : cfg_(cfg), metric_(metric_from_name(cfg.metric)), log_(ctx.log()) {
  score_name_ = cfg_.score_name.empty() ? default_score_name(metric_) : cfg_.score_name;
  expected_ = cfg_.score == "expected";
  resize_ = resize_mode(cfg_.resize);
  tokenizer_ = ctx.create<Tokenizer>(cfg_.tokenizer);
  codec_ = ctx.create<ImageCodec>(cfg_.codec);
  const auto vision = ctx.create<VisionEncoder>(cfg_.vision);
  const auto projector = ctx.create<Projector>(cfg_.projector);
  const auto lm = ctx.create<LanguageModel>(cfg_.language_model);

  // The placeholder is one past the LM's last embedding row: no text token can be it.
  MultimodalOptions options;
  options.image_token_id = lm->shape().vocab_size;
  options.image_tokens = cfg_.image_tokens;
  options.train_vision = options.train_projector = options.train_language_model = false;
  model_ = std::make_unique<MultimodalModel>(vision, projector, lm, options);
  for (Trainable* component : std::initializer_list<Trainable*>{vision.get(), projector.get(), lm.get()}) {
    component->set_training(false);
    component->to_device(ctx.device());
  }

  answer_prefix_ = tokenizer_->encode(cfg_.answer_prefix);
  if (expected_) candidates_ = score_candidates(*tokenizer_, lm->shape().vocab_size, kMaxScore);
}

MlmFilterScorer::~MlmFilterScorer() {
  if (without_image_ + too_long_ + unreadable_ > 0)
    log_.warn(score_name_, ": ", without_image_ + too_long_ + unreadable_, " of ", scored_, " samples scored NaN (",
              without_image_, " without a decodable image, ", too_long_, " with a prompt over max_prompt_tokens = ",
              cfg_.max_prompt_tokens, ", ", unreadable_, " whose answer held no integer in 0..", kMaxScore,
              "); selector/threshold drops them");
}

std::vector<std::string> MlmFilterScorer::extra_fields() const {
  if (expected_) return {score_name_ + "_mass"};
  return {};
}

std::vector<int64_t> MlmFilterScorer::prompt_ids(const std::string& caption) const {
  // Each part is encoded on its own, as the reference encodes the text on either side of <image>
  // separately and appends the answer prefix's ids.
  const PromptText text = prompt_text(metric_, caption);
  const int64_t image = model_->options().image_token_id;
  std::vector<int64_t> ids = tokenizer_->encode(text.before_image);
  ids.push_back(image);
  const std::vector<int64_t> after = tokenizer_->encode(text.after_image);
  ids.insert(ids.end(), after.begin(), after.end());
  ids.insert(ids.end(), answer_prefix_.begin(), answer_prefix_.end());
  return expand_image_placeholders(ids, image, model_->image_tokens());
}

MlmFilterScorer::PromptBatch MlmFilterScorer::prepare(std::span<const Sample> chunk) {
  const ImagePreprocess preprocess = model_->vision().preprocess();
  std::vector<std::vector<int64_t>> prompts;
  std::vector<at::Tensor> pixels;
  PromptBatch batch;
  for (size_t i = 0; i < chunk.size(); ++i) {
    const Sample& sample = chunk[i];
    if (sample.image.empty()) {
      ++without_image_;
      log_.debug(score_name_, ": sample '", sample.key, "' has no image: score NaN");
      continue;
    }
    at::Tensor image;
    try {
      image = image_pixels(*codec_, sample.image, preprocess, resize_);
    } catch (const Error& e) {
      ++without_image_;
      log_.debug(score_name_, ": sample '", sample.key, "': ", e.what(), ": score NaN");
      continue;
    }
    std::vector<int64_t> ids = prompt_ids(sample.text);
    if (static_cast<int64_t>(ids.size()) > cfg_.max_prompt_tokens) {
      ++too_long_;
      log_.debug(score_name_, ": sample '", sample.key, "' has a prompt of ", ids.size(), " tokens: score NaN");
      continue;
    }
    prompts.push_back(std::move(ids));
    pixels.push_back(image);
    batch.rows.push_back(i);
  }
  if (prompts.empty()) return batch;

  size_t longest = 0;
  for (const auto& p : prompts) longest = std::max(longest, p.size());
  const auto n = static_cast<int64_t>(prompts.size());
  batch.input_ids = torch::full({n, static_cast<int64_t>(longest)}, tokenizer_->pad_id(), torch::kLong);
  batch.attention_mask = torch::zeros({n, static_cast<int64_t>(longest)}, torch::kLong);
  auto ids = batch.input_ids.accessor<int64_t, 2>();
  auto mask = batch.attention_mask.accessor<int64_t, 2>();
  for (int64_t r = 0; r < n; ++r) {
    const std::vector<int64_t>& p = prompts[static_cast<size_t>(r)];
    const size_t offset = longest - p.size();  // left padding, so every row ends where generation starts
    for (size_t t = 0; t < p.size(); ++t) {
      ids[r][static_cast<int64_t>(offset + t)] = p[t];
      mask[r][static_cast<int64_t>(offset + t)] = 1;
    }
  }
  batch.pixel_values = at::stack(pixels);
  return batch;
}

std::vector<ScoreRow> MlmFilterScorer::score(std::span<const Sample> batch) {
  std::vector<ScoreRow> rows(batch.size(), ScoreRow{kNaN, std::vector<double>(expected_ ? 1 : 0, kNaN)});
  const auto step = static_cast<size_t>(cfg_.batch_size);
  for (size_t start = 0; start < batch.size(); start += step) {
    const size_t n = std::min(step, batch.size() - start);
    score_chunk(batch.subspan(start, n), std::span(rows).subspan(start, n));
  }
  scored_ += static_cast<int64_t>(batch.size());
  return rows;
}

void MlmFilterScorer::score_chunk(std::span<const Sample> chunk, std::span<ScoreRow> rows) {
  const PromptBatch batch = prepare(chunk);
  if (batch.rows.empty()) return;
  torch::NoGradGuard no_grad;
  MultimodalInput input;
  input.input_ids = batch.input_ids;
  input.attention_mask = batch.attention_mask;
  input.pixel_values = batch.pixel_values;

  if (expected_) {
    const at::Tensor embeds = model_->embed(input.input_ids, model_->encode_images(input.pixel_values));
    const ExpectedScores e = expected_scores(model_->language_model(), embeds, input.attention_mask, *candidates_);
    for (size_t j = 0; j < batch.rows.size(); ++j) {
      rows[batch.rows[j]].score = e.expected[j];
      rows[batch.rows[j]].extras = {e.mass[j]};
    }
    return;
  }

  GenerationConfig generation;
  generation.max_new_tokens = cfg_.max_new_tokens;
  generation.stop_token_ids = {tokenizer_->eos_id()};
  generation.stop_strings = {"\n"};  // the score is the answer's first line
  generation.pad_token_id = tokenizer_->pad_id();
  const GenerationOutput out = model_->generate(input, generation, detokenizer(*tokenizer_));
  for (size_t j = 0; j < batch.rows.size(); ++j) {
    const std::string answer = tokenizer_->decode(out.new_tokens[j], /*skip_special=*/true);
    if (const std::optional<int> value = parse_score(answer)) {
      rows[batch.rows[j]].score = *value;
    } else {
      ++unreadable_;
      log_.debug(score_name_, ": sample '", chunk[batch.rows[j]].key, "' answered \"", answer, "\": score NaN");
    }
  }
}

}  // namespace vlforge::mlm_filter
