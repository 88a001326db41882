// Plugin `projectors`: projector/avgpool-mlp (Open-Qwen2VL) and projector/mlp (LLaVA-1.5).
#include <cmath>
#include <memory>

#include "gelu_mlp_projector.hpp"
#include "vlforge/context.hpp"
#include "vlforge/error.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::projectors {
namespace {

struct AvgPoolMlpConfig {
  std::filesystem::path checkpoint;
  int64_t input_dim = 0;
  int64_t hidden_dim = 0;
  int64_t output_dim = 0;
  int64_t tokens = 144;
  int64_t seed = -1;
  std::string dtype = "float32";
};

struct MlpConfig {
  std::filesystem::path checkpoint;
  int64_t input_dim = 0;
  int64_t output_dim = 0;
  int64_t seed = -1;
  std::string dtype = "float32";
};

// The fields both projectors share, documented once: the weights and widths first ...
template <class Config>
void weight_fields(Schema<Config>& s, const std::string& names) {
  s.field("checkpoint", &Config::checkpoint,
          "a .safetensors file or model folder holding " + names +
              " (other tensors, e.g. of a whole multimodal checkpoint, are skipped); empty: random init");
  s.field("input_dim", &Config::input_dim, "vision feature width (0: from the checkpoint)").min(0);
  s.field("output_dim", &Config::output_dim, "LLM embedding width (0: from the checkpoint)").min(0);
}

// ... then how random weights are drawn and stored.
template <class Config>
void init_fields(Schema<Config>& s) {
  s.field("seed", &Config::seed, "seed of the random init without a checkpoint; -1: the run's seed").min(-1);
  s.field("dtype", &Config::dtype, "parameter dtype").choices({"float32", "bfloat16", "float16"});
}

Schema<AvgPoolMlpConfig> avgpool_mlp_schema() {
  Schema<AvgPoolMlpConfig> s(
      "Open-Qwen2VL projector: average-pools the square patch grid to `tokens` (adaptive bins, 27x27 -> 12x12 = "
      "144 in pre-training; 729 = 27x27 keeps every patch in fine-tuning, with the same weights), then Linear -> "
      "GELU (exact) -> Linear. Weights projector.fc1.{weight,bias}, projector.fc2.{weight,bias}.");
  weight_fields(s, "projector.fc1.* and projector.fc2.*");
  s.field("hidden_dim", &AvgPoolMlpConfig::hidden_dim,
          "width between the two Linears (0: from the checkpoint, else output_dim)")
      .min(0);
  s.field("tokens", &AvgPoolMlpConfig::tokens, "image tokens per image when a stage does not choose: a square number")
      .min(1);
  init_fields(s);
  return s;
}

Schema<MlpConfig> mlp_schema() {
  Schema<MlpConfig> s(
      "LLaVA-1.5 projector (mlp2x_gelu): Linear(input, output) -> GELU (exact) -> Linear(output, output) on every "
      "patch, no pooling (tokens = patches). Weights under transformers' LLaVA names "
      "multi_modal_projector.linear_1.{weight,bias} and multi_modal_projector.linear_2.{weight,bias}.");
  weight_fields(s, "multi_modal_projector.linear_1.* and .linear_2.*");
  init_fields(s);
  return s;
}

uint64_t seed_of(int64_t configured, const Context& ctx) {
  return configured >= 0 ? static_cast<uint64_t>(configured) : ctx.seed();
}

std::unique_ptr<Projector> make_avgpool_mlp(const AvgPoolMlpConfig& cfg, Context& ctx) {
  const auto side = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(cfg.tokens))));
  if (side * side != cfg.tokens)
    throw Error("projector/avgpool-mlp", "tokens = " + std::to_string(cfg.tokens) +
                                             " is not a square number (the pooled grid is square: e.g. 144 = 12x12, "
                                             "729 = 27x27)");
  GeluMlpSettings settings{cfg.checkpoint, cfg.input_dim,          cfg.hidden_dim, cfg.output_dim,
                           cfg.tokens,     seed_of(cfg.seed, ctx), cfg.dtype};
  return std::make_unique<GeluMlpProjector>(GeluMlpLayout{"projector/avgpool-mlp", "projector", "fc1", "fc2", true},
                                            settings);
}

std::unique_ptr<Projector> make_mlp(const MlpConfig& cfg, Context& ctx) {
  // mlp2x_gelu: the hidden width is the output width.
  GeluMlpSettings settings{cfg.checkpoint,         cfg.input_dim, cfg.output_dim, cfg.output_dim, 0,
                           seed_of(cfg.seed, ctx), cfg.dtype};
  return std::make_unique<GeluMlpProjector>(
      GeluMlpLayout{"projector/mlp", "multi_modal_projector", "linear_1", "linear_2", false}, settings);
}

void register_components(Registrar& r) {
  r.add<Projector>("avgpool-mlp", avgpool_mlp_schema(), make_avgpool_mlp);
  r.add<Projector>("mlp", mlp_schema(), make_mlp);
}

}  // namespace
}  // namespace vlforge::projectors

VLFORGE_PLUGIN(vlforge::projectors::register_components)
