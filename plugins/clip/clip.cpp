// CLIP's towers. Against SigLIP: a class token ahead of the patches, an unbiased patch
// convolution, `pre_layrnorm` (transformers' spelling) before the encoder, quick_gelu, and
// last_hidden_state WITHOUT post_layernorm: the norm applies to the pooled class token only. The
// text tower is causal and pools at the first eos token.
#include "clip.hpp"

#include "vlforge/error.hpp"

namespace vlforge::clip {

using models::TowerOutput;
using models::VitEmbedding;
using models::VitEncoder;
using models::VitFolderConfig;
using models::VitLayerNorm;
using models::VitLayerShape;
using models::VitLinear;
using models::VitPatchEmbedding;
using models::VitTowers;

namespace {

// transformers' CLIPVisionConfig / CLIPTextConfig defaults for absent keys: the towers differ
// in width, so the caller passes those.
VitLayerShape layer_shape(const JsonConfig& c, int64_t hidden, int64_t heads, int64_t intermediate) {
  return VitLayerShape{c.get_int("hidden_size", hidden), c.get_int("num_attention_heads", heads),
                       c.get_int("intermediate_size", intermediate),
                       models::vit_activation(c.get_string("hidden_act", "quick_gelu"), c.origin()),
                       c.get_double("layer_norm_eps", 1e-5)};
}

class VisionEmbeddings : public torch::nn::Module {
 public:
  VisionEmbeddings(int64_t channels, int64_t hidden, int64_t patch, int64_t patches, const at::TensorOptions& options) {
    class_embedding = register_parameter("class_embedding", at::empty({hidden}, options));
    patch_embedding = register_module("patch_embedding",
                                      std::make_shared<VitPatchEmbedding>(channels, hidden, patch, false, options));
    position_embedding =
        register_module("position_embedding", std::make_shared<VitEmbedding>(patches + 1, hidden, options));
  }

  // [class token, patches...] + positions 0..N.
  at::Tensor forward(const at::Tensor& pixels) const {
    const at::Tensor patches = patch_embedding->forward(pixels);
    const at::Tensor cls = class_embedding.expand({patches.size(0), 1, -1});
    return at::cat({cls, patches}, 1) + position_embedding->weight;
  }

  at::Tensor class_embedding;
  std::shared_ptr<VitPatchEmbedding> patch_embedding;
  std::shared_ptr<VitEmbedding> position_embedding;
};

class ClipVisionTransformer final : public models::VitVisionTower {
 public:
  ClipVisionTransformer(const JsonConfig& config, const at::TensorOptions& options)
      : shape_(layer_shape(config, 768, 12, 3072)),
        channels_(config.get_int("num_channels", 3)),
        image_size_(config.get_int("image_size", 224)),
        patch_size_(config.get_int("patch_size", 32)) {
    const int64_t grid = models::patch_grid(image_size_, patch_size_, config.origin());
    embeddings = register_module("embeddings", std::make_shared<VisionEmbeddings>(channels_, shape_.hidden_size,
                                                                                  patch_size_, grid * grid, options));
    pre_layrnorm = register_module("pre_layrnorm",
                                   std::make_shared<VitLayerNorm>(shape_.hidden_size, shape_.layer_norm_eps, options));
    encoder = register_module("encoder",
                              std::make_shared<VitEncoder>(shape_, config.get_int("num_hidden_layers", 12), options));
    post_layernorm = register_module(
        "post_layernorm", std::make_shared<VitLayerNorm>(shape_.hidden_size, shape_.layer_norm_eps, options));
  }

  int64_t num_channels() const override { return channels_; }
  int64_t image_size() const override { return image_size_; }
  int64_t patch_size() const override { return patch_size_; }
  int64_t hidden_size() const override { return shape_.hidden_size; }
  int64_t num_layers() const override { return encoder->num_layers(); }
  int64_t prefix_tokens() const override { return 1; }

  TowerOutput forward(const at::Tensor& pixels, bool all_hidden_states) override {
    TowerOutput out;
    out.last_hidden_state = encoder->forward(pre_layrnorm->forward(embeddings->forward(pixels)), {}, num_layers(),
                                             all_hidden_states ? &out.hidden_states : nullptr);
    out.pooler_output = post_layernorm->forward(out.last_hidden_state.select(1, 0));
    return out;
  }

  at::Tensor hidden_state(const at::Tensor& pixels, int64_t index) override {
    return encoder->forward(pre_layrnorm->forward(embeddings->forward(pixels)), {}, index);
  }

  std::shared_ptr<VisionEmbeddings> embeddings;
  std::shared_ptr<VitLayerNorm> pre_layrnorm;
  std::shared_ptr<VitEncoder> encoder;
  std::shared_ptr<VitLayerNorm> post_layernorm;

 private:
  VitLayerShape shape_;
  int64_t channels_, image_size_, patch_size_;
};

class ClipTextTransformer final : public models::VitTextTower {
 public:
  ClipTextTransformer(const JsonConfig& config, const at::TensorOptions& options)
      : shape_(layer_shape(config, 512, 8, 2048)),
        max_positions_(config.get_int("max_position_embeddings", 77)),
        eos_token_id_(config.get_int("eos_token_id", 49407)),
        origin_(config.origin()) {
    embeddings =
        register_module("embeddings", std::make_shared<models::VitTextEmbeddings>(config.get_int("vocab_size", 49408),
                                                                       max_positions_, shape_.hidden_size, options));
    encoder = register_module("encoder",
                              std::make_shared<VitEncoder>(shape_, config.get_int("num_hidden_layers", 12), options));
    final_layer_norm = register_module(
        "final_layer_norm", std::make_shared<VitLayerNorm>(shape_.hidden_size, shape_.layer_norm_eps, options));
  }

  int64_t hidden_size() const { return shape_.hidden_size; }

  TowerOutput forward(const at::Tensor& input_ids, const at::Tensor& attention_mask, bool all_hidden_states) override {
    const int64_t length = input_ids.size(1);
    if (length > max_positions_)
      throw Error(origin_,
                  std::to_string(length) + " tokens exceed max_position_embeddings " + std::to_string(max_positions_));
    TowerOutput out;
    const at::Tensor x = embeddings->forward(input_ids);
    const at::Tensor mask = models::self_attention_mask(attention_mask, true, length, x.scalar_type(), x.device());
    const at::Tensor h =
        encoder->forward(x, mask, encoder->num_layers(), all_hidden_states ? &out.hidden_states : nullptr);
    out.last_hidden_state = final_layer_norm->forward(h);
    const at::Tensor rows = at::arange(input_ids.size(0), input_ids.options());
    out.pooler_output = out.last_hidden_state.index({rows, eos_positions(input_ids)});
    return out;
  }

  std::shared_ptr<models::VitTextEmbeddings> embeddings;
  std::shared_ptr<VitEncoder> encoder;
  std::shared_ptr<VitLayerNorm> final_layer_norm;

 private:
  // The first eos of each row. Configs written before transformers 4.31 say eos_token_id = 2
  // although the tokenizer's eos is its largest id; transformers then pools at the largest id,
  // and so does this.
  at::Tensor eos_positions(const at::Tensor& input_ids) const {
    if (eos_token_id_ == 2) return input_ids.argmax(-1);
    const at::Tensor is_eos = input_ids.eq(eos_token_id_);
    if (!is_eos.any(1).all().item<bool>())
      throw Error(origin_,
                  "a row has no eos_token_id " + std::to_string(eos_token_id_) + " (CLIP pools at the first eos)");
    return is_eos.to(at::kInt).argmax(-1);
  }

  VitLayerShape shape_;
  int64_t max_positions_, eos_token_id_;
  std::string origin_;
};

}  // namespace

VitTowers build_towers(const VitFolderConfig& folder, bool text_tower, const at::TensorOptions& options) {
  VitTowers towers;
  const JsonConfig& vision_config = folder.require_vision();
  auto vision = std::make_shared<ClipVisionTransformer>(vision_config, options);
  const int64_t vision_hidden = vision->hidden_size();
  // OpenAI's normalisation, which every CLIP checkpoint in transformers uses.
  towers.preprocess =
      ImagePreprocess{vision->image_size(), {0.48145466, 0.4578275, 0.40821073}, {0.26862954, 0.26130258, 0.27577711}};
  towers.vision = std::move(vision);
  std::shared_ptr<ClipTextTransformer> text;
  if (text_tower) towers.text = text = std::make_shared<ClipTextTransformer>(folder.require_text(), options);
  // Only the composite CLIPModel maps both towers into the shared embedding space.
  if (folder.composite) {
    const int64_t projection = folder.root.get_int("projection_dim", 512);
    towers.visual_projection = std::make_shared<VitLinear>(vision_hidden, projection, false, options);
    if (text) towers.text_projection = std::make_shared<VitLinear>(text->hidden_size(), projection, false, options);
  }
  towers.unused_tensors = {"logit_scale"};  // CLIPModel's contrastive temperature
  // The tower alone: CLIPVisionModel (a composite model's visual_projection is left out).
  towers.hf_config = folder.vision_tower_json("clip_vision_model", "CLIPVisionModel");
  return towers;
}

}  // namespace vlforge::clip
