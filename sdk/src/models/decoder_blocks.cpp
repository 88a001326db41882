#include "vlforge/models/decoder_blocks.hpp"

#include <cmath>
#include <numbers>

#include "vlforge/torch_compat.hpp"

namespace vlforge::models {

LinearImpl::LinearImpl(int64_t in_features, int64_t out_features, bool with_bias, const at::TensorOptions& options) {
  weight = register_parameter("weight", at::empty({out_features, in_features}, options));
  if (with_bias) bias = register_parameter("bias", at::empty({out_features}, options));
}

EmbeddingImpl::EmbeddingImpl(int64_t num_embeddings, int64_t dim, const at::TensorOptions& options) {
  weight = register_parameter("weight", at::empty({num_embeddings, dim}, options));
}

RMSNormImpl::RMSNormImpl(int64_t dim, double eps, const at::TensorOptions& options) : eps_(eps) {
  weight = register_parameter("weight", at::empty({dim}, options));
}

at::Tensor RMSNormImpl::forward(const at::Tensor& x) const {
  const at::Tensor h = x.to(at::kFloat);
  const at::Tensor variance = h.pow(2).mean(-1, /*keepdim=*/true);
  return weight * (h * at::rsqrt(variance + eps_)).to(x.scalar_type());
}

at::Tensor rope_inv_freq(const DecoderConfig& cfg) {
  // Same float32 arithmetic as transformers, so that the frequencies agree bit for bit.
  const at::Tensor exponents = at::arange(0, cfg.head_dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(cfg.head_dim);
  at::Tensor inv_freq = 1.0 / at::pow(cfg.rope_theta, exponents);
  const RopeScaling& rs = cfg.rope_scaling;
  if (rs.type != RopeScalingType::llama3) return inv_freq;

  // Llama 3: long wavelengths (beyond the original context) are slowed down by `factor`,
  // short ones kept, and the band between them interpolated smoothly.
  const double old_context = static_cast<double>(rs.original_max_positions);
  const double low_freq_wavelen = old_context / rs.low_freq_factor;
  const double high_freq_wavelen = old_context / rs.high_freq_factor;
  const at::Tensor wavelen = 2.0 * std::numbers::pi / inv_freq;
  const at::Tensor scaled = at::where(wavelen > low_freq_wavelen, inv_freq / rs.factor, inv_freq);
  const at::Tensor smooth = (old_context / wavelen - rs.low_freq_factor) / (rs.high_freq_factor - rs.low_freq_factor);
  const at::Tensor smoothed = (1 - smooth) * scaled / rs.factor + smooth * scaled;
  const at::Tensor is_medium = (wavelen >= high_freq_wavelen).logical_and(wavelen <= low_freq_wavelen);
  return at::where(is_medium, smoothed, scaled);
}

RotaryAngles rotary_angles(const at::Tensor& inv_freq, const at::Tensor& position_ids, at::ScalarType dtype) {
  const at::Tensor freqs = position_ids.to(at::kFloat).unsqueeze(-1) * inv_freq.to(position_ids.device());
  const at::Tensor emb = at::cat({freqs, freqs}, -1).unsqueeze(1);  // [B, 1, T, head_dim]
  return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

at::Tensor apply_rotary(const at::Tensor& x, const RotaryAngles& angles) {
  const int64_t half = x.size(-1) / 2;
  const at::Tensor rotated = at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
  return x * angles.cos + rotated * angles.sin;
}

namespace {

// [B, KV, S, D] -> [B, KV * n_rep, S, D]: each KV head repeated for the query heads it serves.
at::Tensor repeat_kv(const at::Tensor& x, int64_t n_rep) {
  if (n_rep == 1) return x;
  const int64_t b = x.size(0), kv = x.size(1), s = x.size(2), d = x.size(3);
  return x.unsqueeze(2).expand({b, kv, n_rep, s, d}).reshape({b, kv * n_rep, s, d});
}

}  // namespace

AttentionImpl::AttentionImpl(const DecoderConfig& cfg, const at::TensorOptions& options)
    : num_heads_(cfg.num_heads), num_kv_heads_(cfg.num_kv_heads), head_dim_(cfg.head_dim) {
  const int64_t q_dim = cfg.num_heads * cfg.head_dim;
  const int64_t kv_dim = cfg.num_kv_heads * cfg.head_dim;
  q_proj = register_module("q_proj", Linear(cfg.hidden_size, q_dim, cfg.qkv_bias, options));
  k_proj = register_module("k_proj", Linear(cfg.hidden_size, kv_dim, cfg.qkv_bias, options));
  v_proj = register_module("v_proj", Linear(cfg.hidden_size, kv_dim, cfg.qkv_bias, options));
  o_proj = register_module("o_proj", Linear(q_dim, cfg.hidden_size, cfg.output_bias, options));
}

at::Tensor AttentionImpl::forward(const at::Tensor& x, const RotaryAngles& rope, const at::Tensor& mask, LayerKV* kv) {
  const int64_t b = x.size(0), t = x.size(1);
  at::Tensor q = q_proj(x).view({b, t, num_heads_, head_dim_}).transpose(1, 2);
  at::Tensor k = k_proj(x).view({b, t, num_kv_heads_, head_dim_}).transpose(1, 2);
  at::Tensor v = v_proj(x).view({b, t, num_kv_heads_, head_dim_}).transpose(1, 2);
  q = apply_rotary(q, rope);
  k = apply_rotary(k, rope);
  if (kv != nullptr) {
    // Keys are cached after rotation: a cached token keeps the position it was computed at.
    kv->keys.narrow(2, kv->past, t).copy_(k);
    kv->values.narrow(2, kv->past, t).copy_(v);
    k = kv->keys.narrow(2, 0, kv->past + t);
    v = kv->values.narrow(2, 0, kv->past + t);
  }
  const int64_t n_rep = num_heads_ / num_kv_heads_;
  const at::Tensor out = compat::scaled_dot_product_attention(q, repeat_kv(k, n_rep), repeat_kv(v, n_rep), mask,
                                                              1.0 / std::sqrt(static_cast<double>(head_dim_)));
  return o_proj(out.transpose(1, 2).reshape({b, t, num_heads_ * head_dim_}));
}

MlpImpl::MlpImpl(const DecoderConfig& cfg, const at::TensorOptions& options) {
  gate_proj = register_module("gate_proj", Linear(cfg.hidden_size, cfg.intermediate_size, cfg.mlp_bias, options));
  up_proj = register_module("up_proj", Linear(cfg.hidden_size, cfg.intermediate_size, cfg.mlp_bias, options));
  down_proj = register_module("down_proj", Linear(cfg.intermediate_size, cfg.hidden_size, cfg.mlp_bias, options));
}

at::Tensor MlpImpl::forward(const at::Tensor& x) { return down_proj(at::silu(gate_proj(x)) * up_proj(x)); }

DecoderLayerImpl::DecoderLayerImpl(const DecoderConfig& cfg, const at::TensorOptions& options) {
  self_attn = register_module("self_attn", Attention(cfg, options));
  mlp = register_module("mlp", Mlp(cfg, options));
  input_layernorm = register_module("input_layernorm", RMSNorm(cfg.hidden_size, cfg.rms_norm_eps, options));
  post_attention_layernorm =
      register_module("post_attention_layernorm", RMSNorm(cfg.hidden_size, cfg.rms_norm_eps, options));
}

at::Tensor DecoderLayerImpl::forward(const at::Tensor& x, const RotaryAngles& rope, const at::Tensor& mask,
                                     LayerKV* kv) {
  const at::Tensor h = x + self_attn(input_layernorm(x), rope, mask, kv);
  return h + mlp(post_attention_layernorm(h));
}

}  // namespace vlforge::models
