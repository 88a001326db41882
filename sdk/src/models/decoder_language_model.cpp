#include "vlforge/models/decoder_language_model.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include "vlforge/error.hpp"
#include "vlforge/models/model_dtype.hpp"
#include "vlforge/models/decoder_model.hpp"
#include "vlforge/safetensors.hpp"
#include "vlforge/models/module_parameters.hpp"

namespace vlforge::models {

namespace {

// transformers' _init_weights: Linear and Embedding weights ~ N(0, initializer_range), biases 0;
// the norms start at 1.
void initialise_randomly(DecoderLMImpl& lm, uint64_t seed) {
  torch::NoGradGuard no_grad;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double std = lm.config().initializer_range;
  for (auto& item : lm.named_parameters()) {
    const std::string& name = item.key();
    at::Tensor& p = item.value();
    const bool is_norm = name.find("norm.weight") != std::string::npos;
    const bool is_bias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    if (is_norm) {
      p.fill_(1.0);
    } else if (is_bias) {
      p.zero_();
    } else {
      p.normal_(0.0, std, gen);
    }
  }
}

// Tensors transformers skips when loading: a tied checkpoint's stale lm_head, and the rotary
// frequencies that old checkpoints saved as buffers.
std::vector<std::string> ignored_tensors(const DecoderConfig& cfg) {
  std::vector<std::string> names;
  if (cfg.tie_word_embeddings) names.emplace_back("lm_head.weight");
  for (int64_t i = 0; i < cfg.num_layers; ++i)
    names.push_back("model.layers." + std::to_string(i) + ".self_attn.rotary_emb.inv_freq");
  return names;
}

}  // namespace

DecoderLanguageModel::DecoderLanguageModel(std::string name, DecoderConfig arch, const DecoderLanguageModelConfig& options,
                                           uint64_t seed)
    : name_(std::move(name)),
      packed_attention_(options.attention == "shared" ? PackedAttention::shared : PackedAttention::isolated) {
  validate(arch, name_);
  const at::ScalarType dtype = model_dtype(options.dtype, name_);
  if (options.weights && options.checkpoint.empty())
    throw Error(name_, "weights = true needs `checkpoint`, a model folder (or set weights = false to build the "
                       "architecture from `config` alone)");
  const bool meta = !options.weights && options.init == "meta";
  const at::TensorOptions tensor_options = at::TensorOptions().dtype(dtype).device(meta ? at::kMeta : at::kCPU);
  lm_ = std::make_shared<DecoderLMImpl>(std::move(arch), tensor_options);

  if (options.weights) {
    try {
      Checkpoint::open(options.checkpoint).load_into(named_parameters(), {}, ignored_tensors(lm_->config()));
    } catch (const Error& e) {
      throw Error(name_, std::string("loading weights: ") + e.what());
    }
  } else if (!meta) {
    initialise_randomly(*lm_, seed);
  }
  // Like a transformers model after from_pretrained: evaluation mode until a trainer says otherwise.
  lm_->eval();
}

DecoderLanguageModel::~DecoderLanguageModel() = default;

const DecoderConfig& DecoderLanguageModel::config() const { return lm_->config(); }

LanguageModelShape DecoderLanguageModel::shape() const {
  const DecoderConfig& c = lm_->config();
  LanguageModelShape s;
  s.vocab_size = c.vocab_size;
  s.hidden_size = c.hidden_size;
  s.num_layers = c.num_layers;
  s.num_heads = c.num_heads;
  s.num_kv_heads = c.num_kv_heads;
  s.head_dim = c.head_dim;
  s.intermediate_size = c.intermediate_size;
  s.max_positions = c.max_positions;
  return s;
}

void DecoderLanguageModel::require_data(const char* what) const {
  if (lm_->output_weight().device().type() == at::kMeta)
    throw Error(name_, std::string("cannot ") + what +
                           ": the model was built with weights = false and init = \"meta\" (shapes only, no data)");
}

at::Tensor DecoderLanguageModel::embed(const at::Tensor& input_ids) {
  require_data("embed tokens");
  return lm_->embed(input_ids);
}

LanguageModelOutput DecoderLanguageModel::forward(const LanguageModelInput& input) {
  require_data("run forward");
  return lm_->forward(input);
}

std::unique_ptr<KVCache> DecoderLanguageModel::new_cache(int64_t batch, int64_t capacity) {
  return std::make_unique<DecoderCache>(batch, capacity, lm_->config().num_layers);
}

std::vector<NamedTensor> DecoderLanguageModel::named_parameters() { return models::named_parameters_of(*lm_); }

void DecoderLanguageModel::set_requires_grad(bool requires_grad) { models::set_requires_grad_of(*lm_, requires_grad); }

void DecoderLanguageModel::set_training(bool training) { lm_->train(training); }

bool DecoderLanguageModel::set_recompute(bool recompute) {
  lm_->set_recompute(recompute);
  return true;
}

void DecoderLanguageModel::to(const at::Device& device, at::ScalarType dtype) {
  require_data("move the model");
  lm_->move_to(device, dtype);
}

std::unique_ptr<LanguageModel> make_decoder_language_model(std::string name, const DecoderLanguageModelConfig& options,
                                                           const ArchitectureReader& read_architecture, uint64_t seed) {
  std::filesystem::path config_file = options.config;
  if (config_file.empty()) {
    if (options.checkpoint.empty())
      throw Error(name, "set `checkpoint` (a Hugging Face model folder) or `config` (a config.json)");
    // A checkpoint given as one .safetensors file keeps its config.json beside it.
    const bool single_file = std::filesystem::is_regular_file(options.checkpoint);
    config_file = (single_file ? options.checkpoint.parent_path() : options.checkpoint) / "config.json";
  }
  DecoderConfig arch;
  std::string json;
  try {
    const JsonConfig file = JsonConfig::load(config_file);
    arch = read_architecture(file);
    json = file.dump();
  } catch (const Error& e) {
    throw Error(name, e.what());
  }
  auto model = std::make_unique<DecoderLanguageModel>(std::move(name), std::move(arch), options, seed);
  model->set_hf_config(std::move(json));
  return model;
}

}  // namespace vlforge::models
