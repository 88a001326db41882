// Plugin `qwen2`: language_model/qwen2, the Qwen2 / Qwen2.5 decoders (Open-Qwen2VL's LLM is
// Qwen2.5-1.5B-Instruct) from a Hugging Face model folder.
//
// The blocks are the SDK's shared Llama-family decoder; what makes it Qwen2 is here: q/k/v
// projections carry a bias (o_proj and the MLP do not), and the config must say model_type
// "qwen2". Tying of lm_head to the embeddings follows config.json (Qwen2.5-1.5B ties them).
#include <memory>

#include "vlforge/context.hpp"
#include "vlforge/error.hpp"
#include "vlforge/models/decoder_language_model.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::qwen2 {
namespace {

models::DecoderConfig read_qwen2_config(const JsonConfig& json) {
  models::require_model_type(json, "qwen2");
  models::DecoderConfig arch = models::read_decoder_config(json);
  arch.qkv_bias = true;
  // transformers' eager Qwen2 attention never applies the window; refuse rather than differ.
  if (json.get_bool("use_sliding_window", false))
    throw Error(json.origin(), "use_sliding_window = true is not supported (sliding-window attention)");
  return arch;
}

void register_components(Registrar& r) {
  r.add<LanguageModel>(
      "qwen2",
      models::decoder_language_model_schema(
          "Qwen2 / Qwen2.5 decoder LM (Qwen2ForCausalLM) from a Hugging Face folder: config.json with model_type "
          "\"qwen2\" and safetensors weights under their transformers names."),
      [](const models::DecoderLanguageModelConfig& cfg, Context& ctx) {
        return models::make_decoder_language_model("language_model/qwen2", cfg, read_qwen2_config, ctx.seed());
      });
}

}  // namespace
}  // namespace vlforge::qwen2

VLFORGE_PLUGIN(vlforge::qwen2::register_components)
