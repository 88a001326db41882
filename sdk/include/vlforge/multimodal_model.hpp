// vlforge::MultimodalModel: a vision encoder, a projector and a language model composed into one
// multimodal LLM (the LLaVA / Open-Qwen2VL wiring), through the SDK interfaces only, so any
// encoder, projector and LM plugin combine. Stages that train, evaluate or serve build one.
//
//   pixel_values [I, 3, H, W] --encoder--> [I, N, Cv] --projector--> image_embeds [I, k, C]
//   input_ids    [B, T]       --lm.embed-> [B, T, C]  --splice----> inputs_embeds [B, T, C]
//                                                                   --lm.forward--> logits
//
// Placeholders: the text holds k = image_tokens() consecutive `image_token_id`s per image (one
// placeholder per image in a prompt becomes k with expand_image_placeholders()), so lengths,
// positions, packing and labels are all known before the model runs. pixel_values holds every
// image of the batch in reading order: row 0's images left to right, then row 1's, ...
//
// Loss: next-token cross entropy on the labels of make_labels(), which never put loss on image
// tokens or padding; a sum and a token count, so a trainer can average over micro-batches and ranks.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "vlforge/export.hpp"
#include "vlforge/generation.hpp"
#include "vlforge/interfaces/language_model.hpp"
#include "vlforge/interfaces/projector.hpp"
#include "vlforge/interfaces/trainer.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"

namespace vlforge {

// Parameter names of a multimodal model: each component's Hugging Face names under the prefix
// transformers' LLaVA models use for it.
inline constexpr std::string_view kVisionPrefix = "vision_tower.";
inline constexpr std::string_view kProjectorPrefix = "multi_modal_projector.";
inline constexpr std::string_view kLanguageModelPrefix = "language_model.";

// Labels that carry no loss.
inline constexpr int64_t kIgnoreIndex = -100;

struct MultimodalOptions {
  int64_t image_token_id = -1;  // the placeholder id in input_ids (need not be in the vocabulary)
  int64_t image_tokens = 0;     // tokens per image; 0: the projector's default_tokens()
  // Which components learn. Open-Qwen2VL pre-training: the encoder is frozen.
  bool train_vision = false;
  bool train_projector = true;
  bool train_language_model = true;
};

struct MultimodalInput {
  at::Tensor input_ids;       // [B, T] int64 with image_tokens() placeholders per image
  at::Tensor pixel_values;    // [I, 3, H, W] normalised, in reading order; undefined: no images
  at::Tensor position_ids;    // [B, T]; undefined: 0, 1, ... per document / row (after left padding)
  at::Tensor attention_mask;  // [B, T] 1 = token, 0 = padding; undefined: no padding
  at::Tensor document_ids;    // [B, T] packed documents attend only to themselves; undefined: one per row
  bool output_hidden_states = false;
};

struct MultimodalOutput {
  at::Tensor image_embeds;   // [I, k, C] projected image tokens (undefined without images)
  at::Tensor inputs_embeds;  // [B, T, C] what the language model ran on
  LanguageModelOutput lm;    // logits [B, T, V] and, when asked, hidden states
};

struct LossSum {
  at::Tensor sum;      // scalar float32: summed cross entropy over the loss tokens
  int64_t tokens = 0;  // how many tokens carried loss
};

class VLFORGE_API MultimodalModel final : public LossModel {
 public:
  // Sets each component's requires_grad from `options`. Throws vlforge::Error when the widths do
  // not chain (encoder -> projector -> LM) or image_token_id is unset.
  MultimodalModel(std::shared_ptr<VisionEncoder> vision, std::shared_ptr<Projector> projector,
                  std::shared_ptr<LanguageModel> language_model, MultimodalOptions options);
  ~MultimodalModel() override;

  VisionEncoder& vision() { return *vision_; }
  Projector& projector() { return *projector_; }
  LanguageModel& language_model() { return *lm_; }
  const MultimodalOptions& options() const { return options_; }
  int64_t image_tokens() const { return image_tokens_; }

  // pixels [I, 3, H, W] -> image tokens [I, k, C] (without gradients while the encoder is frozen).
  at::Tensor encode_images(const at::Tensor& pixel_values);
  // Text embeddings with the placeholder rows replaced by `image_embeds` [I, k, C], image i taking
  // the i-th run of k placeholders in reading order. A count mismatch is an error.
  at::Tensor embed(const at::Tensor& input_ids, const at::Tensor& image_embeds);
  MultimodalOutput forward(const MultimodalInput& input);
  // Next-token loss against `labels` [B, T] (aligned with input_ids, kIgnoreIndex = no loss);
  // with document_ids, the last token of a document does not predict the next document.
  LossSum loss(const MultimodalInput& input, const at::Tensor& labels);
  // Continues each prompt (left-padded, with its images) as vlforge::generate does; returns only
  // the new ids, as transformers does for a prompt given as embeddings.
  GenerationOutput generate(const MultimodalInput& prompt, const GenerationConfig& config,
                            const Detokenizer& detokenize = {}, const TokenCallback& on_token = {});

  // LossModel, for trainers. A TrainBatch holds "input_ids", "labels" and optionally
  // "pixel_values", "attention_mask", "position_ids", "document_ids".
  std::vector<NamedTensor> named_parameters() override;  // of the trained components only, prefixed
  std::vector<NamedTensor> all_named_parameters();       // of every component, prefixed
  at::Tensor loss_sum(const TrainBatch& batch) override;
  // Per component: 2 x parameters x tokens through it, times 1 (forward) + 1 when gradients flow
  // back through it + 1 when its weights train; plus the LM's attention, 4 x layers x heads x
  // head_dim x T per token and pass (torchtitan's 6N + 12 l h q t when everything trains). The
  // encoder's attention is left out (about a tenth of SigLIP-SO400M's FLOPs at 729 patches).
  double flops(const TrainBatch& batch) const override;
  bool set_recompute(bool recompute) override;

 private:
  std::shared_ptr<VisionEncoder> vision_;
  std::shared_ptr<Projector> projector_;
  std::shared_ptr<LanguageModel> lm_;
  MultimodalOptions options_;
  int64_t image_tokens_ = 0;
  int64_t vision_parameters_ = 0, projector_parameters_ = 0, lm_parameters_ = 0;
};

// Labels for next-token loss, aligned with input_ids: the id where a token carries loss,
// kIgnoreIndex on image placeholders, on padding (attention_mask 0) and outside `loss_mask`
// ([B, T], 1 = loss, e.g. only the assistant's turns or the caption; undefined = everywhere).
VLFORGE_API at::Tensor make_labels(const at::Tensor& input_ids, int64_t image_token_id,
                                   const at::Tensor& attention_mask = {}, const at::Tensor& loss_mask = {});

// One placeholder per image (as a prompt is written) -> `image_tokens` consecutive ones.
VLFORGE_API std::vector<int64_t> expand_image_placeholders(std::span<const int64_t> ids, int64_t image_token_id,
                                                           int64_t image_tokens);

}  // namespace vlforge
