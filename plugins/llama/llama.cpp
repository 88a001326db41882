// Plugin `llama`: language_model/llama, the Llama 2 / Llama 3 decoders from a Hugging Face model
// folder.
//
// The blocks are the SDK's shared Llama-family decoder; what makes it Llama is here: no biases
// unless config.json sets attention_bias (then on q/k/v and o_proj) or mlp_bias, rope_scaling
// of type llama3 (Llama 3.1+), and model_type "llama". lm_head is a separate tensor unless
// tie_word_embeddings says otherwise.
#include <memory>

#include "vlforge/context.hpp"
#include "vlforge/error.hpp"
#include "vlforge/models/decoder_language_model.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::llama {
namespace {

models::DecoderConfig read_llama_config(const JsonConfig& json) {
  models::require_model_type(json, "llama");
  models::DecoderConfig arch = models::read_decoder_config(json);
  arch.qkv_bias = arch.output_bias = json.get_bool("attention_bias", false);
  arch.mlp_bias = json.get_bool("mlp_bias", false);
  return arch;
}

void register_components(Registrar& r) {
  r.add<LanguageModel>(
      "llama",
      models::decoder_language_model_schema(
          "Llama decoder LM (LlamaForCausalLM, incl. Llama 3 rope scaling) from a Hugging Face folder: config.json "
          "with model_type \"llama\" and safetensors weights under their transformers names."),
      [](const models::DecoderLanguageModelConfig& cfg, Context& ctx) {
        return models::make_decoder_language_model("language_model/llama", cfg, read_llama_config, ctx.seed());
      });
}

}  // namespace
}  // namespace vlforge::llama

VLFORGE_PLUGIN(vlforge::llama::register_components)
