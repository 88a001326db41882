// A Llama-family decoder (decoder_model.hpp) as a vlforge::LanguageModel component, with the
// recipe keys the qwen2 and llama plugins share. A plugin supplies only what is particular to
// its architecture: a function that reads config.json into a DecoderConfig (model_type check,
// biases). Everything else (weights, dtype, the KV cache, masks, Trainable) lives here once.
//
//   r.add<LanguageModel>("qwen2", decoder_language_model_schema("Qwen2 ..."),
//       [](const DecoderLanguageModelConfig& cfg, Context& ctx) {
//         return make_decoder_language_model("language_model/qwen2", cfg, read_qwen2_config, ctx.seed());
//       });
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "vlforge/export.hpp"
#include "vlforge/interfaces/language_model.hpp"
#include "vlforge/json_config.hpp"
#include "vlforge/models/decoder_config.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::models {

struct DecoderLanguageModelConfig {
  std::filesystem::path checkpoint;  // Hugging Face model folder: config.json + safetensors
  std::filesystem::path config;      // a config.json to use instead of the checkpoint's
  bool weights = true;               // load the checkpoint's tensors
  std::string init = "meta";         // without weights: "meta" (shapes only) or "random"
  std::string dtype = "float32";
  std::string attention = "isolated";
};

inline Schema<DecoderLanguageModelConfig> decoder_language_model_schema(std::string doc) {
  Schema<DecoderLanguageModelConfig> s(std::move(doc));
  s.field("checkpoint", &DecoderLanguageModelConfig::checkpoint,
          "Hugging Face model folder (config.json, model.safetensors or a sharded index); required unless "
          "weights = false and `config` is set");
  s.field("config", &DecoderLanguageModelConfig::config,
          "a transformers config.json to build the architecture from (default: the checkpoint's)");
  s.field("weights", &DecoderLanguageModelConfig::weights,
          "load the checkpoint's weights; false builds the architecture from config.json alone (see `init`)");
  s.field("init", &DecoderLanguageModelConfig::init,
          "parameters when weights = false: \"meta\" gives shapes without memory (parameter counts, shape "
          "checks; the model cannot run), \"random\" initialises them as transformers does (normal with "
          "std initializer_range, norms 1) from the run's seed, for training from scratch")
      .choices({"meta", "random"});
  s.field("dtype", &DecoderLanguageModelConfig::dtype, "parameter dtype").choices({"float32", "bfloat16", "float16"});
  s.field("attention", &DecoderLanguageModelConfig::attention,
          "how documents packed into one sequence attend: \"isolated\" (each only to itself, positions reset "
          "per document) or \"shared\" (plain causal over the row, positions running on: the Open-Qwen2VL "
          "reference)")
      .choices({"isolated", "shared"});
  return s;
}

// Reads an architecture's config.json; throws vlforge::Error naming the file and key.
using ArchitectureReader = std::function<DecoderConfig(const JsonConfig& json)>;

class DecoderLMImpl;

class VLFORGE_API DecoderLanguageModel final : public LanguageModel {
 public:
  // `name` ("language_model/qwen2") prefixes errors. Loads weights or initialises as configured.
  DecoderLanguageModel(std::string name, DecoderConfig arch, const DecoderLanguageModelConfig& options, uint64_t seed);
  ~DecoderLanguageModel() override;

  LanguageModelShape shape() const override;
  at::Tensor embed(const at::Tensor& input_ids) override;
  LanguageModelOutput forward(const LanguageModelInput& input) override;
  std::unique_ptr<KVCache> new_cache(int64_t batch, int64_t capacity) override;
  PackedAttention packed_attention() const override { return packed_attention_; }

  std::vector<NamedTensor> named_parameters() override;
  void set_requires_grad(bool requires_grad) override;
  void set_training(bool training) override;
  void to(const at::Device& device, at::ScalarType dtype) override;
  bool set_recompute(bool recompute) override;
  std::string hf_config() const override { return hf_config_; }
  // The config.json text the architecture was read from (what export writes again).
  void set_hf_config(std::string json) { hf_config_ = std::move(json); }

  const DecoderConfig& config() const;
  DecoderLMImpl& module() { return *lm_; }

 private:
  void require_data(const char* what) const;

  std::string name_;
  std::shared_ptr<DecoderLMImpl> lm_;
  PackedAttention packed_attention_;
  std::string hf_config_;
};

// Reads config.json (`config`, else `checkpoint`/config.json) with `read_architecture` and
// builds the model; errors are prefixed with `name`.
VLFORGE_API std::unique_ptr<LanguageModel> make_decoder_language_model(std::string name,
                                                                       const DecoderLanguageModelConfig& options,
                                                                       const ArchitectureReader& read_architecture,
                                                                       uint64_t seed);

}  // namespace vlforge::models
