#include "vlforge/models/decoder_config.hpp"

#include <string>

#include "vlforge/error.hpp"

namespace vlforge::models {

namespace {

RopeScaling read_rope_scaling(const JsonConfig& json) {
  RopeScaling scaling;
  const std::optional<JsonConfig> rs = json.find_sub("rope_scaling");
  if (!rs) return scaling;
  // transformers accepts the older key `type` as well as `rope_type`.
  const std::string type = rs->has("rope_type") ? rs->get_string("rope_type") : rs->get_string("type", "default");
  if (type == "default") return scaling;
  if (type != "llama3")
    throw Error(json.origin(), "rope_scaling type '" + type + "' is not supported (supported: llama3, default)");
  scaling.type = RopeScalingType::llama3;
  scaling.factor = rs->get_double("factor");
  scaling.low_freq_factor = rs->get_double("low_freq_factor");
  scaling.high_freq_factor = rs->get_double("high_freq_factor");
  scaling.original_max_positions = rs->get_int("original_max_position_embeddings");
  if (scaling.factor <= 0 || scaling.original_max_positions <= 0 ||
      scaling.high_freq_factor <= scaling.low_freq_factor)
    throw Error(rs->origin(), "llama3 rope_scaling needs factor > 0, original_max_position_embeddings > 0 and "
                              "high_freq_factor > low_freq_factor");
  return scaling;
}

}  // namespace

DecoderConfig read_decoder_config(const JsonConfig& json) {
  DecoderConfig c;
  c.vocab_size = json.get_int("vocab_size");
  c.hidden_size = json.get_int("hidden_size");
  c.intermediate_size = json.get_int("intermediate_size");
  c.num_layers = json.get_int("num_hidden_layers");
  c.num_heads = json.get_int("num_attention_heads");
  c.num_kv_heads = json.get_int("num_key_value_heads", c.num_heads);
  if (c.num_heads <= 0) throw Error(json.origin(), "num_attention_heads must be positive");
  c.head_dim = json.get_int("head_dim", c.hidden_size / c.num_heads);
  c.max_positions = json.get_int("max_position_embeddings");
  c.rms_norm_eps = json.get_double("rms_norm_eps");
  c.rope_theta = json.get_double("rope_theta", 10000.0);
  c.rope_scaling = read_rope_scaling(json);
  c.tie_word_embeddings = json.get_bool("tie_word_embeddings", false);
  c.initializer_range = json.get_double("initializer_range", 0.02);
  const std::string act = json.get_string("hidden_act", "silu");
  if (act != "silu") throw Error(json.origin(), "hidden_act '" + act + "' is not supported (the SwiGLU MLP uses silu)");
  validate(c, json.origin());
  return c;
}

void require_model_type(const JsonConfig& json, std::string_view expected) {
  const std::string type = json.get_string("model_type");
  if (type != expected)
    throw Error(json.origin(), "model_type is '" + type + "', expected '" + std::string(expected) +
                                   "' (a checkpoint of another architecture; use the plugin made for it)");
}

void validate(const DecoderConfig& c, std::string_view where) {
  auto fail = [&](const std::string& what) { throw Error(std::string(where), what); };
  if (c.vocab_size <= 0 || c.hidden_size <= 0 || c.intermediate_size <= 0 || c.num_layers <= 0 || c.head_dim <= 0)
    fail("vocab_size, hidden_size, intermediate_size, num_hidden_layers and head_dim must be positive");
  if (c.num_kv_heads <= 0 || c.num_heads % c.num_kv_heads != 0)
    fail("num_attention_heads (" + std::to_string(c.num_heads) + ") must be a multiple of num_key_value_heads (" +
         std::to_string(c.num_kv_heads) + ")");
  if (c.head_dim % 2 != 0) fail("head_dim " + std::to_string(c.head_dim) + " must be even (rotary embedding)");
  if (c.rms_norm_eps <= 0 || c.rope_theta <= 0) fail("rms_norm_eps and rope_theta must be positive");
}

int64_t parameter_count(const DecoderConfig& c) {
  const int64_t q = c.num_heads * c.head_dim;
  const int64_t kv = c.num_kv_heads * c.head_dim;
  const int64_t attention = c.hidden_size * (q + 2 * kv) + q * c.hidden_size +
                            (c.qkv_bias ? q + 2 * kv : 0) + (c.output_bias ? c.hidden_size : 0);
  const int64_t mlp = 3 * c.hidden_size * c.intermediate_size + (c.mlp_bias ? 2 * c.intermediate_size + c.hidden_size : 0);
  const int64_t layer = attention + mlp + 2 * c.hidden_size;  // + input and post-attention norms
  const int64_t embeddings = c.vocab_size * c.hidden_size;
  return embeddings + c.num_layers * layer + c.hidden_size + (c.tie_word_embeddings ? 0 : embeddings);
}

}  // namespace vlforge::models
