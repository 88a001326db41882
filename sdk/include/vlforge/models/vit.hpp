// Building blocks of ViT-family towers (SigLIP, CLIP; their image and their text towers alike):
// the pre-norm transformer encoder, patch and table embeddings, attention masks, and the pooling of
// a patch grid that projectors share. Each architecture (plugins/siglip, plugins/clip) composes
// these and writes only what differs: class token, pre-norm, pooling head, masks.
//
// Modules register their parameters under the names transformers uses, so a tower's
// named_parameters() are the checkpoint's names below the tower's prefix ("vision_model.").
// Parameters are created uninitialised with the TensorOptions given, to be filled from a
// checkpoint or by initialise_vit_parameters(); with device kMeta they carry shapes only and cost
// no memory (parameter counting).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/export.hpp"
#include "vlforge/models/model_dtype.hpp"

namespace vlforge::models {

// The MLP non-linearities of the family, by transformers' `hidden_act` name.
enum class VitActivation {
  gelu_tanh,   // "gelu_pytorch_tanh" (SigLIP): GELU with the tanh approximation
  quick_gelu,  // "quick_gelu" (CLIP): x * sigmoid(1.702 x)
  gelu,        // "gelu": exact, 0.5 x (1 + erf(x / sqrt 2))
};
// Throws vlforge::Error naming `where` for a name vlforge does not implement.
VLFORGE_API VitActivation vit_activation(std::string_view hidden_act, const std::string& where);
VLFORGE_API at::Tensor activate(VitActivation activation, const at::Tensor& x);

// What an encoder layer needs to know.
struct VitLayerShape {
  int64_t hidden_size = 0;
  int64_t num_heads = 0;
  int64_t intermediate_size = 0;
  VitActivation activation = VitActivation::gelu_tanh;
  double layer_norm_eps = 1e-6;
};

// y = x W^T + b with W [out, in], as torch.nn.Linear.
class VLFORGE_API VitLinear : public torch::nn::Module {
 public:
  VitLinear(int64_t in_features, int64_t out_features, bool bias, const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& x) const;

  at::Tensor weight;
  at::Tensor bias;  // undefined without bias
};

class VLFORGE_API VitLayerNorm : public torch::nn::Module {
 public:
  VitLayerNorm(int64_t dim, double eps, const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& x) const;

  at::Tensor weight;
  at::Tensor bias;
  double eps;
};

// A lookup table (token or position embedding), as torch.nn.Embedding: `weight` [count, dim].
class VLFORGE_API VitEmbedding : public torch::nn::Module {
 public:
  VitEmbedding(int64_t count, int64_t dim, const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& ids) const;

  at::Tensor weight;
};

// Patches per side for `image_size` pixels in patches of `patch_size`: the patch convolution
// drops a remainder, as transformers' does (384 px in patches of 14 is a 27x27 grid, SO400M).
// An image smaller than one patch is an error at `origin`.
VLFORGE_API int64_t patch_grid(int64_t image_size, int64_t patch_size, const std::string& origin);

// Token plus learned position embeddings of a text tower (SigLIP and CLIP), positions 0..T-1;
// submodules `token_embedding` and `position_embedding` as transformers names them.
class VLFORGE_API VitTextEmbeddings : public torch::nn::Module {
 public:
  VitTextEmbeddings(int64_t vocab, int64_t positions, int64_t hidden, const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& ids) const;

  std::shared_ptr<VitEmbedding> token_embedding;
  std::shared_ptr<VitEmbedding> position_embedding;
};

// Non-overlapping patches -> [B, grid*grid, hidden], patch index = row * grid + col (the
// stride-`patch` convolution of transformers, flattened over (h, w)).
class VLFORGE_API VitPatchEmbedding : public torch::nn::Module {
 public:
  VitPatchEmbedding(int64_t channels, int64_t hidden_size, int64_t patch_size, bool bias,
                    const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& pixels) const;

  at::Tensor weight;  // [hidden, channels, patch, patch]
  at::Tensor bias;    // [hidden], undefined for CLIP
  int64_t patch_size;
};

// softmax(q k^T / sqrt(d) + mask) v over heads, for q [B, Tq, C] and k, v [B, Tk, C] already
// projected; `mask` is additive, broadcastable to [B, heads, Tq, Tk], or undefined.
VLFORGE_API at::Tensor multi_head_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                            int64_t num_heads, const at::Tensor& mask);

// The additive mask [B or 1, 1, T, T] for self-attention over T tokens: key padding from
// `padding_mask` ([B, T], 1 = real token; undefined = none) and, when `causal`, no attention to
// later tokens. Undefined when nothing is masked. Masked entries hold the dtype's lowest finite
// value, as transformers does, so a fully masked row never produces NaN.
VLFORGE_API at::Tensor self_attention_mask(const at::Tensor& padding_mask, bool causal, int64_t length,
                                           at::ScalarType dtype, const at::Device& device);

// Self-attention with biased q/k/v/out projections (`q_proj`, `k_proj`, `v_proj`, `out_proj`).
class VLFORGE_API VitAttention : public torch::nn::Module {
 public:
  VitAttention(int64_t hidden_size, int64_t num_heads, const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& mask) const;

  std::shared_ptr<VitLinear> q_proj, k_proj, v_proj, out_proj;
  int64_t num_heads;
};

// fc1 -> activation -> fc2.
class VLFORGE_API VitMlp : public torch::nn::Module {
 public:
  VitMlp(int64_t hidden_size, int64_t intermediate_size, VitActivation activation, const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& x) const;

  std::shared_ptr<VitLinear> fc1, fc2;
  VitActivation activation;
};

// Pre-norm block: x + attn(layer_norm1(x)), then x + mlp(layer_norm2(x)).
class VLFORGE_API VitEncoderLayer : public torch::nn::Module {
 public:
  VitEncoderLayer(const VitLayerShape& shape, const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& mask) const;

  std::shared_ptr<VitLayerNorm> layer_norm1;
  std::shared_ptr<VitAttention> self_attn;
  std::shared_ptr<VitLayerNorm> layer_norm2;
  std::shared_ptr<VitMlp> mlp;
};

// `layers.0` ... `layers.N-1`.
class VLFORGE_API VitEncoder : public torch::nn::Module {
 public:
  VitEncoder(const VitLayerShape& shape, int64_t num_layers, const at::TensorOptions& options);
  int64_t num_layers() const { return static_cast<int64_t>(layers.size()); }

  // Runs the first `run_layers` layers (layers past the one a caller needs cost nothing). With
  // `hidden_states`, appends transformers' hidden_states: the input, then each layer's output.
  at::Tensor forward(at::Tensor x, const at::Tensor& mask, int64_t run_layers,
                     std::vector<at::Tensor>* hidden_states = nullptr) const;

  std::vector<std::shared_ptr<VitEncoderLayer>> layers;
};

// The outputs of one tower as transformers returns them (BaseModelOutputWithPooling).
struct TowerOutput {
  at::Tensor last_hidden_state;           // [B, T, C]
  at::Tensor pooler_output;               // [B, C]
  std::vector<at::Tensor> hidden_states;  // [0] = embeddings, [k] = output of encoder layer k
};

// Fills every parameter of `module` and its submodules for training from scratch, the same
// numbers for the same `seed` whatever the dtype. The scheme is SigLIP's
// (transformers' SiglipPreTrainedModel._init_weights), applied to CLIP towers as well:
//   VitAttention projections     xavier_uniform weights, zero biases
//   VitMlp fc1, fc2              xavier_uniform weights, biases normal(std 1e-6)
//   other VitLinear, patch conv  lecun_normal weights (truncated at 2 std, std sqrt(1/fan_in)), zero biases
//   VitEmbedding                 normal(std 1/sqrt(width)): positions and tokens alike
//   VitLayerNorm                 weight 1, bias 0
//   other parameters             "bias" / "*_bias" zero; matrices xavier_uniform (SigLIP's probe and
//                                in_proj_weight); vectors normal(std 1/sqrt(size)) (CLIP's class_embedding)
// CLIP towers get this scheme too, not CLIPPreTrainedModel's normals (std initializer_range, or
// width^-0.5 scaled down with depth): one scheme is simpler, and a CLIP run starts from its checkpoint.
VLFORGE_API void initialise_vit_parameters(torch::nn::Module& module, uint64_t seed);

// Side of the square patch grid of `features` [B, N, C]; throws vlforge::Error naming `where`
// when N is not a square.
VLFORGE_API int64_t patch_grid_side(const at::Tensor& features, const std::string& where);

// Average-pools the patch grid of `features` [B, g*g, C] (row-major) to `tokens` = k*k tokens
// [B, k*k, C], with torch's adaptive bins (bin i spans floor(i*g/k) .. ceil((i+1)*g/k)); k == g
// returns the features unchanged. Open-Qwen2VL: 27x27 -> 12x12 (144) in pre-training, 27x27
// (729, the identity) in fine-tuning. Throws for a non-square `tokens` or k > g.
VLFORGE_API at::Tensor pool_patch_grid(const at::Tensor& features, int64_t tokens, const std::string& where);

}  // namespace vlforge::models
