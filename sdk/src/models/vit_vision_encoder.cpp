#include "vlforge/models/vit_vision_encoder.hpp"

#include <nlohmann/json.hpp>
#include <sstream>

#include "vlforge/error.hpp"
#include "vlforge/hash.hpp"
#include "vlforge/safetensors.hpp"
#include "vlforge/models/module_parameters.hpp"

namespace fs = std::filesystem;

namespace vlforge::models {

VitVisionTower::~VitVisionTower() = default;
VitTextTower::~VitTextTower() = default;

Schema<VitVisionEncoderConfig> vit_vision_encoder_schema(std::string doc) {
  Schema<VitVisionEncoderConfig> s(std::move(doc));
  s.field("checkpoint", &VitVisionEncoderConfig::checkpoint,
          "Hugging Face model folder: config.json (composite model or vision tower) and model.safetensors "
          "or shards with model.safetensors.index.json")
      .required();
  s.field("select_layer", &VitVisionEncoderConfig::select_layer,
          "hidden_states index of the features forward() returns, negative from the end: 0 = embeddings, "
          "k = output of layer k, -1 = last layer, -2 = second-to-last (never post-normed)");
  s.field("frozen", &VitVisionEncoderConfig::frozen, "create the encoder without gradients (frozen in pre-training)");
  s.field("dtype", &VitVisionEncoderConfig::dtype, "parameter dtype").choices({"float32", "bfloat16", "float16"});
  s.field("text_tower", &VitVisionEncoderConfig::text_tower,
          "also load the text tower, for contrastive image-text scores (the checkpoint must be a composite "
          "model); off by default because a multimodal LLM uses only the image tower");
  s.field("weights", &VitVisionEncoderConfig::weights,
          "load the checkpoint's weights; false builds the architecture from config.json alone (see `init`)");
  s.field("init", &VitVisionEncoderConfig::init,
          "parameters when weights = false: \"meta\" gives shapes without memory (parameter counts; the encoder "
          "cannot run), \"random\" initialises them as transformers initialises SigLIP (xavier / lecun normal, "
          "norms 1) from the run's seed, for training from scratch")
      .choices({"meta", "random"});
  return s;
}

VitFolderConfig read_vit_folder_config(const fs::path& folder, const std::string& family) {
  const fs::path file = folder / "config.json";
  JsonConfig root = JsonConfig::load(file);
  const std::string model_type = root.get_string("model_type", "");
  const std::string vision_type = family + "_vision_model", text_type = family + "_text_model";
  // A composite config may leave a tower's object out entirely: transformers then uses defaults.
  auto tower = [&](const char* key) {
    return root.find_sub(key).value_or(JsonConfig::parse("{}", file.string() + ": " + key));
  };
  if (model_type == family) {
    return VitFolderConfig{file, model_type, root, tower("vision_config"), tower("text_config"), true};
  }
  if (model_type == vision_type) return VitFolderConfig{file, model_type, root, root, std::nullopt, false};
  if (model_type == text_type) return VitFolderConfig{file, model_type, root, std::nullopt, root, false};
  throw Error(file.string(),
              "model_type is '" + model_type + "', expected " + family + ", " + vision_type + " or " + text_type);
}

std::string VitFolderConfig::vision_tower_json(const std::string& vision_model_type,
                                               const std::string& architecture) const {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(require_vision().dump());
  j["model_type"] = vision_model_type;
  j["architectures"] = {architecture};
  return j.dump(2) + "\n";
}

const JsonConfig& VitFolderConfig::require_vision() const {
  if (!vision) throw Error(file.string(), "model_type '" + model_type + "' has no vision tower");
  return *vision;
}

const JsonConfig& VitFolderConfig::require_text() const {
  if (!text)
    throw Error(file.string(),
                "model_type '" + model_type + "' has no text tower (text_tower = true needs a composite model folder)");
  return *text;
}

at::TensorOptions VitVisionEncoder::parameter_options(const VitVisionEncoderConfig& cfg) {
  const at::TensorOptions options = at::TensorOptions().dtype(model_dtype(cfg.dtype));
  return !cfg.weights && cfg.init == "meta" ? options.device(at::kMeta) : options;
}

VitVisionEncoder::VitVisionEncoder(std::string name, const VitVisionEncoderConfig& cfg, VitTowers towers,
                                   uint64_t seed)
    : name_(std::move(name)), towers_(std::move(towers)), model_(std::make_shared<torch::nn::Module>("VitModel")) {
  if (!towers_.vision) throw Error(name_, "the architecture built no vision tower");
  model_->register_module("vision_model", towers_.vision);
  if (towers_.text) model_->register_module("text_model", towers_.text);
  if (towers_.visual_projection) model_->register_module("visual_projection", towers_.visual_projection);
  if (towers_.text_projection) model_->register_module("text_projection", towers_.text_projection);

  const int64_t layers = towers_.vision->num_layers();
  if (cfg.select_layer < -(layers + 1) || cfg.select_layer > layers)
    throw Error(name_, "select_layer = " + std::to_string(cfg.select_layer) + " is out of range for a " +
                           std::to_string(layers) + "-layer tower (" + std::to_string(-(layers + 1)) + " to " +
                           std::to_string(layers) + ": an index into hidden_states, 0 = embeddings)");
  feature_index_ = cfg.select_layer < 0 ? cfg.select_layer + layers + 1 : cfg.select_layer;

  if (cfg.weights) {
    load(cfg.checkpoint);
  } else if (cfg.init == "random") {
    initialise_vit_parameters(*model_, StableHash().add(name_).add(seed).value());
  }
  set_requires_grad(!cfg.frozen);
}

VitVisionEncoder::~VitVisionEncoder() = default;

void VitVisionEncoder::load(const fs::path& checkpoint) {
  const Checkpoint ckpt = Checkpoint::open(checkpoint);
  // Tensors of towers the recipe did not ask for stay on disk.
  std::vector<std::string> ignored = towers_.unused_tensors;
  for (const std::string& name : ckpt.names()) {
    const bool text_part = name.starts_with("text_model.") || name.starts_with("text_projection.");
    if (text_part && !towers_.text) ignored.push_back(name);
  }
  ckpt.load_into(named_parameters(), {}, ignored);
}

int64_t VitVisionEncoder::grid_size() const { return towers_.vision->image_size() / towers_.vision->patch_size(); }

int64_t VitVisionEncoder::hidden_size() const { return towers_.vision->hidden_size(); }

void VitVisionEncoder::require_weights() const {
  if (towers_.vision->parameters().front().is_meta())
    throw Error(name_, "was created with weights = false and init = \"meta\" (shapes only) and cannot run "
                       "(init = \"random\" gives a runnable encoder)");
}

at::Tensor VitVisionEncoder::prepared_pixels(const at::Tensor& pixels) const {
  require_weights();
  const VitVisionTower& v = *towers_.vision;
  const bool ok = pixels.defined() && pixels.dim() == 4 && pixels.size(1) == v.num_channels() &&
                  pixels.size(2) == v.image_size() && pixels.size(3) == v.image_size();
  if (!ok) {
    std::string got = "undefined";
    if (pixels.defined()) {
      std::ostringstream s;
      s << pixels.sizes();
      got = s.str();
    }
    throw Error(name_, "pixels must be [B, " + std::to_string(v.num_channels()) + ", " +
                           std::to_string(v.image_size()) + ", " + std::to_string(v.image_size()) + "], got " + got);
  }
  const at::Tensor w = v.parameters().front();  // a copy: parameters() returns a temporary vector
  return pixels.to(w.device(), w.scalar_type());
}

at::Tensor VitVisionEncoder::forward(const at::Tensor& pixels) {
  const at::Tensor hidden = towers_.vision->hidden_state(prepared_pixels(pixels), feature_index_);
  return hidden.slice(1, towers_.vision->prefix_tokens());
}

TowerOutput VitVisionEncoder::vision_outputs(const at::Tensor& pixels) {
  return towers_.vision->forward(prepared_pixels(pixels), true);
}

at::Tensor VitVisionEncoder::image_embeds(const at::Tensor& pixels) {
  const at::Tensor pooled = towers_.vision->forward(prepared_pixels(pixels), false).pooler_output;
  if (!pooled.defined()) throw Error(name_, "this image tower has no pooled output (vision_use_head = false)");
  return towers_.visual_projection ? towers_.visual_projection->forward(pooled) : pooled;
}

TowerOutput VitVisionEncoder::run_text(const at::Tensor& input_ids, const at::Tensor& attention_mask,
                                       bool all_hidden_states) {
  if (!towers_.text) throw Error(name_, "has no text tower (set text_tower = true)");
  require_weights();
  const at::Device device = towers_.text->parameters().front().device();
  const at::Tensor mask = attention_mask.defined() ? attention_mask.to(device) : at::Tensor();
  return towers_.text->forward(input_ids.to(device), mask, all_hidden_states);
}

TowerOutput VitVisionEncoder::text_outputs(const at::Tensor& input_ids, const at::Tensor& attention_mask) {
  return run_text(input_ids, attention_mask, true);
}

at::Tensor VitVisionEncoder::text_embeds(const at::Tensor& input_ids, const at::Tensor& attention_mask) {
  const at::Tensor pooled = run_text(input_ids, attention_mask, false).pooler_output;
  return towers_.text_projection ? towers_.text_projection->forward(pooled) : pooled;
}

std::vector<NamedTensor> VitVisionEncoder::named_parameters() { return models::named_parameters_of(*model_); }

void VitVisionEncoder::set_requires_grad(bool requires_grad) { models::set_requires_grad_of(*model_, requires_grad); }

void VitVisionEncoder::set_training(bool training) { model_->train(training); }

void VitVisionEncoder::to(const at::Device& device, at::ScalarType dtype) {
  require_weights();
  model_->to(device, dtype);
}

}  // namespace vlforge::models
