// SigLIP's towers. Against CLIP: no class token, a biased patch convolution, no pre-norm, GELU
// (tanh), post_layernorm applied to last_hidden_state, and an attention-pooling head instead of
// the class token; the text tower pools its last position through a Linear `head`.
#include "siglip.hpp"

#include "vlforge/error.hpp"

namespace vlforge::siglip {

using models::TowerOutput;
using models::VitEmbedding;
using models::VitEncoder;
using models::VitFolderConfig;
using models::VitLayerNorm;
using models::VitLayerShape;
using models::VitLinear;
using models::VitMlp;
using models::VitPatchEmbedding;
using models::VitTowers;

namespace {

// transformers' SiglipVisionConfig / SiglipTextConfig defaults for keys a config.json leaves out
// (google/siglip-so400m-patch14-384 writes only the keys that differ).
VitLayerShape layer_shape(const JsonConfig& c) {
  return VitLayerShape{c.get_int("hidden_size", 768), c.get_int("num_attention_heads", 12),
                       c.get_int("intermediate_size", 3072),
                       models::vit_activation(c.get_string("hidden_act", "gelu_pytorch_tanh"), c.origin()),
                       c.get_double("layer_norm_eps", 1e-6)};
}

// torch.nn.MultiheadAttention's parameter layout: one packed `in_proj_weight` [3C, C] (query rows,
// then key rows, then value rows), `in_proj_bias` [3C] and `out_proj`.
class PackedMultiheadAttention : public torch::nn::Module {
 public:
  PackedMultiheadAttention(int64_t dim, int64_t heads, const at::TensorOptions& options) : num_heads(heads) {
    in_proj_weight = register_parameter("in_proj_weight", at::empty({3 * dim, dim}, options));
    in_proj_bias = register_parameter("in_proj_bias", at::empty({3 * dim}, options));
    out_proj = register_module("out_proj", std::make_shared<VitLinear>(dim, dim, true, options));
  }

  at::Tensor forward(const at::Tensor& query, const at::Tensor& keys) const {
    const auto w = in_proj_weight.chunk(3), b = in_proj_bias.chunk(3);
    const at::Tensor q = at::linear(query, w[0], b[0]);
    const at::Tensor k = at::linear(keys, w[1], b[1]);
    const at::Tensor v = at::linear(keys, w[2], b[2]);
    return out_proj->forward(models::multi_head_attention(q, k, v, num_heads, {}));
  }

  at::Tensor in_proj_weight, in_proj_bias;
  std::shared_ptr<VitLinear> out_proj;
  int64_t num_heads;
};

// SiglipMultiheadAttentionPoolingHead: a learned probe attends over all patches, then a residual
// MLP; the pooled image is the probe's output.
class PoolingHead : public torch::nn::Module {
 public:
  PoolingHead(const VitLayerShape& shape, const at::TensorOptions& options) {
    probe = register_parameter("probe", at::empty({1, 1, shape.hidden_size}, options));
    attention = register_module(
        "attention", std::make_shared<PackedMultiheadAttention>(shape.hidden_size, shape.num_heads, options));
    layernorm =
        register_module("layernorm", std::make_shared<VitLayerNorm>(shape.hidden_size, shape.layer_norm_eps, options));
    mlp = register_module(
        "mlp", std::make_shared<VitMlp>(shape.hidden_size, shape.intermediate_size, shape.activation, options));
  }

  at::Tensor forward(const at::Tensor& x) const {
    const at::Tensor h = attention->forward(probe.expand({x.size(0), -1, -1}), x);
    return (h + mlp->forward(layernorm->forward(h))).select(1, 0);
  }

  at::Tensor probe;
  std::shared_ptr<PackedMultiheadAttention> attention;
  std::shared_ptr<VitLayerNorm> layernorm;
  std::shared_ptr<VitMlp> mlp;
};

class VisionEmbeddings : public torch::nn::Module {
 public:
  VisionEmbeddings(int64_t channels, int64_t hidden, int64_t patch, int64_t patches, const at::TensorOptions& options) {
    patch_embedding =
        register_module("patch_embedding", std::make_shared<VitPatchEmbedding>(channels, hidden, patch, true, options));
    position_embedding =
        register_module("position_embedding", std::make_shared<VitEmbedding>(patches, hidden, options));
  }

  // Position p is patch p: the table is added in order.
  at::Tensor forward(const at::Tensor& pixels) const {
    return patch_embedding->forward(pixels) + position_embedding->weight;
  }

  std::shared_ptr<VitPatchEmbedding> patch_embedding;
  std::shared_ptr<VitEmbedding> position_embedding;
};

class SiglipVisionTransformer final : public models::VitVisionTower {
 public:
  SiglipVisionTransformer(const JsonConfig& config, const at::TensorOptions& options)
      : shape_(layer_shape(config)),
        channels_(config.get_int("num_channels", 3)),
        image_size_(config.get_int("image_size", 224)),
        patch_size_(config.get_int("patch_size", 16)) {
    const int64_t grid = models::patch_grid(image_size_, patch_size_, config.origin());
    embeddings = register_module("embeddings", std::make_shared<VisionEmbeddings>(channels_, shape_.hidden_size,
                                                                                  patch_size_, grid * grid, options));
    encoder = register_module("encoder",
                              std::make_shared<VitEncoder>(shape_, config.get_int("num_hidden_layers", 12), options));
    post_layernorm = register_module(
        "post_layernorm", std::make_shared<VitLayerNorm>(shape_.hidden_size, shape_.layer_norm_eps, options));
    // transformers builds the head unless vision_use_head is false (SigLIP 2 NaFlex variants).
    if (config.get_bool("vision_use_head", true))
      head = register_module("head", std::make_shared<PoolingHead>(shape_, options));
  }

  int64_t num_channels() const override { return channels_; }
  int64_t image_size() const override { return image_size_; }
  int64_t patch_size() const override { return patch_size_; }
  int64_t hidden_size() const override { return shape_.hidden_size; }
  int64_t num_layers() const override { return encoder->num_layers(); }
  int64_t prefix_tokens() const override { return 0; }

  TowerOutput forward(const at::Tensor& pixels, bool all_hidden_states) override {
    TowerOutput out;
    const at::Tensor x = encoder->forward(embeddings->forward(pixels), {}, num_layers(),
                                          all_hidden_states ? &out.hidden_states : nullptr);
    out.last_hidden_state = post_layernorm->forward(x);
    if (head) out.pooler_output = head->forward(out.last_hidden_state);
    return out;
  }

  at::Tensor hidden_state(const at::Tensor& pixels, int64_t index) override {
    return encoder->forward(embeddings->forward(pixels), {}, index);
  }

  std::shared_ptr<VisionEmbeddings> embeddings;
  std::shared_ptr<VitEncoder> encoder;
  std::shared_ptr<VitLayerNorm> post_layernorm;
  std::shared_ptr<PoolingHead> head;

 private:
  VitLayerShape shape_;
  int64_t channels_, image_size_, patch_size_;
};

class SiglipTextTransformer final : public models::VitTextTower {
 public:
  SiglipTextTransformer(const JsonConfig& config, const at::TensorOptions& options)
      : shape_(layer_shape(config)),
        max_positions_(config.get_int("max_position_embeddings", 64)),
        origin_(config.origin()) {
    embeddings =
        register_module("embeddings", std::make_shared<models::VitTextEmbeddings>(config.get_int("vocab_size", 32000),
                                                                       max_positions_, shape_.hidden_size, options));
    encoder = register_module("encoder",
                              std::make_shared<VitEncoder>(shape_, config.get_int("num_hidden_layers", 12), options));
    final_layer_norm = register_module(
        "final_layer_norm", std::make_shared<VitLayerNorm>(shape_.hidden_size, shape_.layer_norm_eps, options));
    // transformers 4.44 projects to hidden_size; later versions name the width projection_size.
    const int64_t projection = config.get_int("projection_size", shape_.hidden_size);
    head = register_module("head", std::make_shared<VitLinear>(shape_.hidden_size, projection, true, options));
  }

  // SigLIP was trained on text padded to max length and pools the LAST position; a padding mask
  // is honoured when given (transformers does the same), but is not what the model was trained with.
  TowerOutput forward(const at::Tensor& input_ids, const at::Tensor& attention_mask, bool all_hidden_states) override {
    const int64_t length = input_ids.size(1);
    if (length > max_positions_)
      throw Error(origin_,
                  std::to_string(length) + " tokens exceed max_position_embeddings " + std::to_string(max_positions_));
    TowerOutput out;
    const at::Tensor x = embeddings->forward(input_ids);
    const at::Tensor mask = models::self_attention_mask(attention_mask, false, length, x.scalar_type(), x.device());
    const at::Tensor h =
        encoder->forward(x, mask, encoder->num_layers(), all_hidden_states ? &out.hidden_states : nullptr);
    out.last_hidden_state = final_layer_norm->forward(h);
    out.pooler_output = head->forward(out.last_hidden_state.select(1, length - 1));
    return out;
  }

  std::shared_ptr<models::VitTextEmbeddings> embeddings;
  std::shared_ptr<VitEncoder> encoder;
  std::shared_ptr<VitLayerNorm> final_layer_norm;
  std::shared_ptr<VitLinear> head;

 private:
  VitLayerShape shape_;
  int64_t max_positions_;
  std::string origin_;
};

}  // namespace

VitTowers build_towers(const VitFolderConfig& folder, bool text_tower, const at::TensorOptions& options) {
  VitTowers towers;
  auto vision = std::make_shared<SiglipVisionTransformer>(folder.require_vision(), options);
  // Every released SigLIP normalises with mean = std = 0.5 after a plain resize.
  towers.preprocess = ImagePreprocess{vision->image_size(), {0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}};
  towers.vision = std::move(vision);
  if (text_tower) towers.text = std::make_shared<SiglipTextTransformer>(folder.require_text(), options);
  towers.unused_tensors = {"logit_scale", "logit_bias"};  // SiglipModel's sigmoid-loss temperature and bias
  towers.hf_config = folder.vision_tower_json("siglip_vision_model", "SiglipVisionModel");
  return towers;
}

}  // namespace vlforge::siglip
