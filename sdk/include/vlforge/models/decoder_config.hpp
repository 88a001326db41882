// The architecture of a decoder-only language model of the Llama family (Llama, Qwen2), read
// from a Hugging Face config.json. The shared decoder blocks (decoder_blocks.hpp) and the model
// (decoder_model.hpp) are built from it; the qwen2 and llama plugins fill in only what differs
// between the two architectures (biases, the model_type they accept).
//
//   JsonConfig json = JsonConfig::load(folder / "config.json");
//   require_model_type(json, "qwen2");
//   DecoderConfig arch = read_decoder_config(json);
//   arch.qkv_bias = true;
//
// Torch-free: a recipe check or a parameter count needs no tensors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vlforge/export.hpp"
#include "vlforge/json_config.hpp"

namespace vlforge::models {

// config.json `rope_scaling`. Only Llama 3's frequency-dependent scaling is implemented; other
// types are rejected when the config is read rather than silently ignored.
enum class RopeScalingType { none, llama3 };

struct RopeScaling {
  RopeScalingType type = RopeScalingType::none;
  double factor = 1.0;
  double low_freq_factor = 1.0;
  double high_freq_factor = 4.0;
  int64_t original_max_positions = 0;
};

struct DecoderConfig {
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_layers = 0;
  int64_t num_heads = 0;
  int64_t num_kv_heads = 0;  // < num_heads: grouped-query attention
  int64_t head_dim = 0;
  int64_t max_positions = 0;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  RopeScaling rope_scaling;
  bool qkv_bias = false;     // bias on q_proj, k_proj, v_proj (Qwen2; Llama with attention_bias)
  bool output_bias = false;  // bias on o_proj (Llama with attention_bias)
  bool mlp_bias = false;     // bias on gate/up/down_proj (Llama with mlp_bias)
  bool tie_word_embeddings = false;  // lm_head shares model.embed_tokens.weight
  double initializer_range = 0.02;   // std of the normal initialisation of a model built without weights
};

// Reads the keys Qwen2 and Llama configs share: vocab_size, hidden_size, intermediate_size,
// num_hidden_layers, num_attention_heads, num_key_value_heads (default: num_attention_heads),
// head_dim (default: hidden_size / num_attention_heads), max_position_embeddings, rms_norm_eps,
// rope_theta, rope_scaling, tie_word_embeddings, initializer_range; requires hidden_act "silu".
// Errors name the file and the key. Biases are left false for the caller to set.
VLFORGE_API DecoderConfig read_decoder_config(const JsonConfig& json);

// Throws vlforge::Error naming the file and `model_type` unless it equals `expected`.
VLFORGE_API void require_model_type(const JsonConfig& json, std::string_view expected);

// Checks sizes that the blocks rely on (heads divide evenly, positive dimensions); `where`
// prefixes the error.
VLFORGE_API void validate(const DecoderConfig& cfg, std::string_view where);

// Number of parameters (a tied lm_head counted once), computed from shapes alone.
VLFORGE_API int64_t parameter_count(const DecoderConfig& cfg);

}  // namespace vlforge::models
