// The building blocks of a Llama-family decoder (Llama, Qwen2), written once and shared by the
// qwen2 and llama plugins: RMSNorm, rotary position embedding (with Llama 3 frequency scaling),
// grouped-query attention with an optional KV cache, the SwiGLU MLP and the pre-norm decoder
// layer. Each block computes what its transformers 4.44 counterpart computes, in the same order
// where rounding matters (RMSNorm and softmax in float32).
//
// Submodules and parameters carry the Hugging Face names (self_attn.q_proj.weight, mlp.gate_proj,
// input_layernorm, ...), so a module tree's named_parameters() is the checkpoint's state dict:
// no name adapter between the two.
//
// Parameters are created uninitialised with the given TensorOptions: on the meta device a model
// of any size costs no memory (shape and parameter-count checks).
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "vlforge/export.hpp"
#include "vlforge/models/decoder_config.hpp"

namespace vlforge::models {

// y = x W^T + b, W [out, in] as in torch.nn.Linear; no initialisation of its own.
class VLFORGE_API LinearImpl : public torch::nn::Module {
 public:
  LinearImpl(int64_t in_features, int64_t out_features, bool bias, const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& x) const { return at::linear(x, weight, bias); }

  at::Tensor weight;
  at::Tensor bias;  // undefined without bias
};
TORCH_MODULE(Linear);

class VLFORGE_API EmbeddingImpl : public torch::nn::Module {
 public:
  EmbeddingImpl(int64_t num_embeddings, int64_t dim, const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& ids) const { return at::embedding(weight, ids); }

  at::Tensor weight;  // [num_embeddings, dim]
};
TORCH_MODULE(Embedding);

// x / rms(x) * weight, normalised in float32 and cast back before the scale (as transformers).
class VLFORGE_API RMSNormImpl : public torch::nn::Module {
 public:
  RMSNormImpl(int64_t dim, double eps, const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& x) const;

  at::Tensor weight;

 private:
  double eps_;
};
TORCH_MODULE(RMSNorm);

// Rotary embedding, non-interleaved ("rotate_half") form.
// inv_freq[j] = theta^(-2j/head_dim), j < head_dim/2, float32, with Llama 3 scaling applied.
VLFORGE_API at::Tensor rope_inv_freq(const DecoderConfig& cfg);

// cos and sin of position * inv_freq, each angle twice (cat(freqs, freqs)), [B, 1, T, head_dim].
struct RotaryAngles {
  at::Tensor cos;
  at::Tensor sin;
};
// Angles are computed in float32 (positions up to 2^24 stay exact) and cast to `dtype`.
VLFORGE_API RotaryAngles rotary_angles(const at::Tensor& inv_freq, const at::Tensor& position_ids,
                                       at::ScalarType dtype);
// x [B, heads, T, head_dim] -> x*cos + rotate_half(x)*sin, rotate_half([x1, x2]) = [-x2, x1].
VLFORGE_API at::Tensor apply_rotary(const at::Tensor& x, const RotaryAngles& angles);

// One layer's keys and values in a KV cache: [B, kv_heads, capacity, head_dim] buffers of which
// the first `past` positions are filled. The attention writes its new keys after them.
struct LayerKV {
  at::Tensor keys;
  at::Tensor values;
  int64_t past = 0;
};

// Multi-head attention with grouped-query heads: KV head j serves query heads
// j*(H/KV) .. (j+1)*(H/KV)-1. Scale 1/sqrt(head_dim), softmax in float32.
class VLFORGE_API AttentionImpl : public torch::nn::Module {
 public:
  AttentionImpl(const DecoderConfig& cfg, const at::TensorOptions& options);
  // x [B, T, hidden]; `mask` additive [B, 1, T, past+T] or undefined (every key allowed);
  // with `kv`, keys and values of x are appended to the cache and all cached ones attended to.
  at::Tensor forward(const at::Tensor& x, const RotaryAngles& rope, const at::Tensor& mask, LayerKV* kv);

  Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};

 private:
  int64_t num_heads_, num_kv_heads_, head_dim_;
};
TORCH_MODULE(Attention);

// SwiGLU: down_proj(silu(gate_proj(x)) * up_proj(x)).
class VLFORGE_API MlpImpl : public torch::nn::Module {
 public:
  MlpImpl(const DecoderConfig& cfg, const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& x);

  Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(Mlp);

// Pre-norm block: x + attn(input_layernorm(x)), then h + mlp(post_attention_layernorm(h)).
class VLFORGE_API DecoderLayerImpl : public torch::nn::Module {
 public:
  DecoderLayerImpl(const DecoderConfig& cfg, const at::TensorOptions& options);
  at::Tensor forward(const at::Tensor& x, const RotaryAngles& rope, const at::Tensor& mask, LayerKV* kv);

  Attention self_attn{nullptr};
  Mlp mlp{nullptr};
  RMSNorm input_layernorm{nullptr};
  RMSNorm post_attention_layernorm{nullptr};
};
TORCH_MODULE(DecoderLayer);

}  // namespace vlforge::models
