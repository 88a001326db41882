#include "vlforge/multimodal_model.hpp"

#include <torch/torch.h>

#include <optional>

#include "vlforge/error.hpp"

namespace vlforge {
namespace {

constexpr const char* kWhere = "multimodal model";

int64_t parameter_count(Trainable& component) {
  int64_t n = 0;
  for (const auto& [name, tensor] : component.named_parameters()) n += tensor.numel();
  return n;
}

// Positions when the caller gives none: restarting at 0 per document of a packed row, else after
// the left padding (transformers' rule, as generation uses), else 0..T-1.
at::Tensor default_positions(const MultimodalInput& in) {
  const int64_t length = in.input_ids.size(1);
  const at::Tensor steps = at::arange(length, in.input_ids.options()).expand_as(in.input_ids);
  if (in.document_ids.defined()) {
    const at::Tensor doc = in.document_ids.to(in.input_ids.device());
    const at::Tensor starts =
        at::cat({at::ones_like(doc.slice(1, 0, 1), at::kBool), doc.slice(1, 1).ne(doc.slice(1, 0, -1))}, 1);
    const at::Tensor start_of_doc = std::get<0>(at::where(starts, steps, at::zeros_like(steps)).cummax(1));
    return steps - start_of_doc;
  }
  if (in.attention_mask.defined()) return positions_from_mask(in.attention_mask.to(in.input_ids.device()));
  return steps.contiguous();
}

// Every image must be one unbroken run of `tokens` placeholders in one row, and there must be as
// many runs as images: anything else means the text and the images were prepared inconsistently.
void check_placeholders(const at::Tensor& places, int64_t images, int64_t tokens) {
  const int64_t found = places.size(0);
  if (found != images * tokens)
    throw Error(kWhere, "input_ids hold " + std::to_string(found) + " image placeholder ids, but " +
                            std::to_string(images) + " image(s) x " + std::to_string(tokens) + " tokens need " +
                            std::to_string(images * tokens));
  if (images == 0) return;
  const at::Tensor runs = places.reshape({images, tokens, 2});  // per image: its (row, column) pairs
  const at::Tensor one_row = runs.select(2, 0).eq(runs.select(2, 0).select(1, 0).unsqueeze(1)).all();
  const at::Tensor unbroken =
      (runs.select(2, 1).select(1, tokens - 1) - runs.select(2, 1).select(1, 0)).eq(tokens - 1).all();
  if (!one_row.item<bool>() || !unbroken.item<bool>())
    throw Error(kWhere, "image placeholders do not come in unbroken runs of " + std::to_string(tokens) +
                            " within a row (each image is image_tokens consecutive placeholder ids)");
}

at::Tensor batch_tensor(const TrainBatch& batch, const char* name, bool required) {
  const auto it = batch.tensors.find(name);
  if (it != batch.tensors.end()) return it->second;
  if (required) throw Error(kWhere, std::string("training batch has no '") + name + "' tensor");
  return {};
}

}  // namespace

MultimodalModel::MultimodalModel(std::shared_ptr<VisionEncoder> vision, std::shared_ptr<Projector> projector,
                                 std::shared_ptr<LanguageModel> language_model, MultimodalOptions options)
    : vision_(std::move(vision)), projector_(std::move(projector)), lm_(std::move(language_model)), options_(options) {
  if (!vision_ || !projector_ || !lm_) throw Error(kWhere, "needs a vision encoder, a projector and a language model");
  if (options_.image_token_id < 0) throw Error(kWhere, "image_token_id is not set");
  if (projector_->input_dim() != vision_->hidden_size())
    throw Error(kWhere, "the projector takes width " + std::to_string(projector_->input_dim()) +
                            " but the vision encoder gives " + std::to_string(vision_->hidden_size()));
  if (projector_->output_dim() != lm_->shape().hidden_size)
    throw Error(kWhere, "the projector gives width " + std::to_string(projector_->output_dim()) +
                            " but the language model takes " + std::to_string(lm_->shape().hidden_size));
  const int64_t patches = vision_->grid_size() * vision_->grid_size();
  image_tokens_ = options_.image_tokens > 0 ? options_.image_tokens : projector_->default_tokens();
  if (image_tokens_ <= 0) image_tokens_ = patches;  // a projector that keeps every patch

  vision_->set_requires_grad(options_.train_vision);
  projector_->set_requires_grad(options_.train_projector);
  lm_->set_requires_grad(options_.train_language_model);
  vision_parameters_ = parameter_count(*vision_);
  projector_parameters_ = parameter_count(*projector_);
  lm_parameters_ = parameter_count(*lm_);
}

MultimodalModel::~MultimodalModel() = default;

at::Tensor MultimodalModel::encode_images(const at::Tensor& pixel_values) {
  at::Tensor features;
  {
    // A frozen encoder needs no graph: pre-training keeps no activations of its 27 layers.
    std::optional<torch::NoGradGuard> no_grad;
    if (!options_.train_vision) no_grad.emplace();
    features = vision_->forward(pixel_values);
  }
  return projector_->forward(features, image_tokens_);
}

at::Tensor MultimodalModel::embed(const at::Tensor& input_ids, const at::Tensor& image_embeds) {
  const at::Tensor is_image = input_ids.eq(options_.image_token_id);
  const at::Tensor places = is_image.nonzero();  // [I*k, 2] (row, column), in reading order
  check_placeholders(places, image_embeds.defined() ? image_embeds.size(0) : 0, image_tokens_);
  // The placeholder id need not exist in the vocabulary: embed id 0 there, then overwrite it.
  const at::Tensor text = lm_->embed(input_ids.masked_fill(is_image, 0));
  if (places.size(0) == 0) return text;
  const at::Tensor tokens = image_embeds.reshape({-1, text.size(2)}).to(text.device(), text.scalar_type());
  const at::Tensor rows = places.select(1, 0).to(text.device()), columns = places.select(1, 1).to(text.device());
  return text.index_put({rows, columns}, tokens);
}

MultimodalOutput MultimodalModel::forward(const MultimodalInput& input) {
  MultimodalOutput out;
  if (input.pixel_values.defined() && input.pixel_values.size(0) > 0)
    out.image_embeds = encode_images(input.pixel_values);
  out.inputs_embeds = embed(input.input_ids, out.image_embeds);

  LanguageModelInput lm_input;
  lm_input.inputs_embeds = out.inputs_embeds;
  lm_input.position_ids = input.position_ids.defined() ? input.position_ids : default_positions(input);
  lm_input.attention_mask = input.attention_mask;
  lm_input.document_ids = input.document_ids;
  lm_input.output_hidden_states = input.output_hidden_states;
  out.lm = lm_->forward(lm_input);
  return out;
}

LossSum MultimodalModel::loss(const MultimodalInput& input, const at::Tensor& labels) {
  const at::Tensor logits = forward(input).lm.logits;
  // Token t predicts token t + 1.
  at::Tensor targets = labels.slice(1, 1).to(logits.device());
  if (input.document_ids.defined()) {
    const at::Tensor doc = input.document_ids.to(logits.device());
    targets = targets.masked_fill(doc.slice(1, 1).ne(doc.slice(1, 0, -1)), kIgnoreIndex);
  }
  const at::Tensor predictions = logits.slice(1, 0, -1).reshape({-1, logits.size(2)}).to(at::kFloat);
  LossSum out;
  out.sum = at::cross_entropy_loss(predictions, targets.reshape({-1}), {}, at::Reduction::Sum, kIgnoreIndex);
  out.tokens = targets.ne(kIgnoreIndex).sum().item<int64_t>();
  return out;
}

GenerationOutput MultimodalModel::generate(const MultimodalInput& prompt, const GenerationConfig& config,
                                           const Detokenizer& detokenize, const TokenCallback& on_token) {
  torch::NoGradGuard no_grad;
  const bool has_images = prompt.pixel_values.defined() && prompt.pixel_values.size(0) > 0;
  GenerationInput input;
  input.inputs_embeds = embed(prompt.input_ids, has_images ? encode_images(prompt.pixel_values) : at::Tensor());
  input.attention_mask = prompt.attention_mask;
  return vlforge::generate(*lm_, input, config, detokenize, on_token);
}

std::vector<NamedTensor> MultimodalModel::named_parameters() {
  std::vector<NamedTensor> out;
  auto add = [&](Trainable& component, std::string_view prefix, bool trained) {
    if (!trained) return;
    for (auto& [name, tensor] : component.named_parameters()) out.emplace_back(std::string(prefix) + name, tensor);
  };
  add(*vision_, kVisionPrefix, options_.train_vision);
  add(*projector_, kProjectorPrefix, options_.train_projector);
  add(*lm_, kLanguageModelPrefix, options_.train_language_model);
  return out;
}

bool MultimodalModel::set_recompute(bool recompute) {
  // The projector is two layers, not a stack of blocks: there is nothing for it to recompute.
  bool done = true;
  if (options_.train_vision) done = vision_->set_recompute(recompute) && done;
  if (options_.train_language_model) done = lm_->set_recompute(recompute) && done;
  return done;
}

std::vector<NamedTensor> MultimodalModel::all_named_parameters() {
  std::vector<NamedTensor> out;
  auto add = [&](Trainable& component, std::string_view prefix) {
    for (auto& [name, tensor] : component.named_parameters()) out.emplace_back(std::string(prefix) + name, tensor);
  };
  add(*vision_, kVisionPrefix);
  add(*projector_, kProjectorPrefix);
  add(*lm_, kLanguageModelPrefix);
  return out;
}

at::Tensor MultimodalModel::loss_sum(const TrainBatch& batch) {
  MultimodalInput input;
  input.input_ids = batch_tensor(batch, "input_ids", true);
  input.pixel_values = batch_tensor(batch, "pixel_values", false);
  input.attention_mask = batch_tensor(batch, "attention_mask", false);
  input.position_ids = batch_tensor(batch, "position_ids", false);
  input.document_ids = batch_tensor(batch, "document_ids", false);
  return loss(input, batch_tensor(batch, "labels", true)).sum;
}

double MultimodalModel::flops(const TrainBatch& batch) const {
  const at::Tensor ids = batch_tensor(batch, "input_ids", true);
  const at::Tensor pixels = batch_tensor(batch, "pixel_values", false);
  const double images = pixels.defined() ? static_cast<double>(pixels.size(0)) : 0.0;
  const double patches = static_cast<double>(vision_->grid_size() * vision_->grid_size());
  const double tokens = batch.tokens > 0 ? static_cast<double>(batch.tokens) : static_cast<double>(ids.numel());
  const double length = static_cast<double>(ids.size(1));

  // Passes over each component: forward, + input gradients when something before it trains,
  // + weight gradients when it trains itself.
  const bool o = options_.train_vision, p = options_.train_projector, l = options_.train_language_model;
  const double vision_passes = 1.0 + o;
  const double projector_passes = 1.0 + o + p;
  const double lm_passes = 1.0 + (o || p) + l;

  const LanguageModelShape s = lm_->shape();
  const double lm_per_token = 2.0 * static_cast<double>(lm_parameters_) +
                              4.0 * static_cast<double>(s.num_layers * s.num_heads * s.head_dim) * length;
  return vision_passes * 2.0 * static_cast<double>(vision_parameters_) * images * patches +
         projector_passes * 2.0 * static_cast<double>(projector_parameters_) * images *
             static_cast<double>(image_tokens_) +
         lm_passes * lm_per_token * tokens;
}

at::Tensor make_labels(const at::Tensor& input_ids, int64_t image_token_id, const at::Tensor& attention_mask,
                       const at::Tensor& loss_mask) {
  at::Tensor no_loss = input_ids.eq(image_token_id);
  if (attention_mask.defined()) no_loss = no_loss.logical_or(attention_mask.to(input_ids.device()).eq(0));
  if (loss_mask.defined()) no_loss = no_loss.logical_or(loss_mask.to(input_ids.device()).eq(0));
  return input_ids.masked_fill(no_loss, kIgnoreIndex);
}

std::vector<int64_t> expand_image_placeholders(std::span<const int64_t> ids, int64_t image_token_id,
                                               int64_t image_tokens) {
  std::vector<int64_t> out;
  out.reserve(ids.size());
  for (const int64_t id : ids) {
    if (id == image_token_id)
      out.insert(out.end(), static_cast<size_t>(image_tokens), id);
    else
      out.push_back(id);
  }
  return out;
}

}  // namespace vlforge
