// vlforge::VitVisionEncoder: the `vision_encoder` component that the CLIP-family plugins (siglip, clip)
// share. A plugin supplies the architecture (its towers, built from the checkpoint's config.json);
// this class does what is the same for all of them: the recipe keys, loading the Hugging Face
// folder, the feature layer, freezing, dtype, and the contrastive embeddings.
//
// Feature layer: `select_layer` indexes transformers' `hidden_states` as Python does, so 0 is the
// embeddings, k the output of encoder layer k, -1 the last layer's output and -2 the second-to-last
// one (the Open-Qwen2VL and LLaVA feature). hidden_states are never post-normed: SigLIP's
// post_layernorm and pooling head belong to last_hidden_state / pooler_output only. forward()
// returns the patches of that hidden state: class tokens (CLIP) are dropped, as LLaVA's
// "patch" feature does. Layers past the selected one are not run.
//
// Checkpoint folder: config.json is a composite model (model_type "siglip" / "clip", with
// vision_config and text_config) or one tower ("siglip_vision_model", "clip_vision_model"); the
// weights are model.safetensors or shards listed by model.safetensors.index.json, with
// transformers' names ("vision_model.encoder.layers.0...", "text_model...").
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vlforge/export.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"
#include "vlforge/json_config.hpp"
#include "vlforge/models/vit.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::models {

// The recipe keys of every ViT-family vision encoder.
struct VitVisionEncoderConfig {
  std::filesystem::path checkpoint;  // Hugging Face model folder
  int64_t select_layer = -2;         // index into hidden_states, see above
  bool frozen = true;                // no gradients into the encoder (pre-training)
  std::string dtype = "float32";     // parameter dtype: float32, bfloat16, float16
  bool text_tower = false;           // also load the text tower (contrastive scores)
  bool weights = true;               // false: the architecture from config.json alone, see `init`
  std::string init = "meta";         // without weights: "meta" (shapes only) or "random"
};

// The schema of VitVisionEncoderConfig, with `doc` describing the component.
VLFORGE_API Schema<VitVisionEncoderConfig> vit_vision_encoder_schema(std::string doc);

// The image tower of a CLIP-family model (transformers' SiglipVisionTransformer, ...), registered
// by the encoder as "vision_model".
class VLFORGE_API VitVisionTower : public torch::nn::Module {
 public:
  ~VitVisionTower() override;
  virtual int64_t num_channels() const = 0;
  virtual int64_t image_size() const = 0;
  virtual int64_t patch_size() const = 0;
  virtual int64_t hidden_size() const = 0;
  virtual int64_t num_layers() const = 0;
  virtual int64_t prefix_tokens() const = 0;  // class tokens ahead of the patches (CLIP 1, SigLIP 0)

  // last_hidden_state and pooler_output, and with `all_hidden_states` every hidden state (kept
  // only when asked: for SO400M they are 28 copies of the activations).
  virtual TowerOutput forward(const at::Tensor& pixels, bool all_hidden_states) = 0;
  // hidden_states[index] alone (0 <= index <= num_layers()), running only the layers it needs.
  virtual at::Tensor hidden_state(const at::Tensor& pixels, int64_t index) = 0;
};

// The text tower (transformers' SiglipTextTransformer, ...), registered as "text_model".
class VLFORGE_API VitTextTower : public torch::nn::Module {
 public:
  ~VitTextTower() override;
  // ids [B, T]; attention_mask [B, T] (1 = token, 0 = padding) or undefined.
  virtual TowerOutput forward(const at::Tensor& input_ids, const at::Tensor& attention_mask,
                              bool all_hidden_states) = 0;
};

// What an architecture plugin builds for the encoder.
struct VitTowers {
  std::shared_ptr<VitVisionTower> vision;
  std::shared_ptr<VitTextTower> text;  // only when the recipe asks for it
  // Composite CLIP models map pooled outputs into the shared space (`visual_projection`,
  // `text_projection`); without them the embeddings are the pooled outputs (SigLIP).
  std::shared_ptr<VitLinear> visual_projection;
  std::shared_ptr<VitLinear> text_projection;
  ImagePreprocess preprocess;
  std::vector<std::string> unused_tensors;  // checkpoint tensors no tower takes (logit_scale, ...)
  // The vision tower's transformers config.json (e.g. a SiglipVisionConfig), for export.
  std::string hf_config;
};

// config.json of a CLIP-family folder, split into its towers.
struct VLFORGE_API VitFolderConfig {
  std::filesystem::path file;
  std::string model_type;
  JsonConfig root;                   // the whole file
  std::optional<JsonConfig> vision;  // absent for a text-only model
  std::optional<JsonConfig> text;    // absent for a vision-only model
  bool composite = false;            // both towers in one model (SiglipModel, CLIPModel)

  // The tower's config; throws vlforge::Error naming the file when the model lacks that tower.
  const JsonConfig& require_vision() const;
  const JsonConfig& require_text() const;
  // The vision tower's own transformers config.json (a composite model's vision_config, named
  // `vision_model_type` and `architecture`), what export writes beside the tower's weights.
  std::string vision_tower_json(const std::string& vision_model_type, const std::string& architecture) const;
};

// Reads FOLDER/config.json of family `family` ("siglip" reads model types "siglip",
// "siglip_vision_model" and "siglip_text_model"). A composite config without a `vision_config` /
// `text_config` object gets an empty one (transformers' defaults apply). Throws vlforge::Error
// naming the file for another model type.
VLFORGE_API VitFolderConfig read_vit_folder_config(const std::filesystem::path& folder, const std::string& family);

class VLFORGE_API VitVisionEncoder : public VisionEncoder {
 public:
  // `name` ("vision_encoder/siglip") prefixes errors. Loads the weights from cfg.checkpoint, or
  // with cfg.weights false and cfg.init "random" initialises them (initialise_vit_parameters in
  // vit.hpp) from `seed`, the run's seed (Context::seed()) mixed with `name` so that the encoder
  // and the language model do not draw the same numbers. Parameters have cfg.dtype and are frozen
  // when cfg.frozen.
  VitVisionEncoder(std::string name, const VitVisionEncoderConfig& cfg, VitTowers towers, uint64_t seed = 0);
  ~VitVisionEncoder() override;

  // How an architecture creates its parameters for `cfg`: its dtype, on the meta device when
  // cfg.weights is false and cfg.init is "meta".
  static at::TensorOptions parameter_options(const VitVisionEncoderConfig& cfg);

  ImagePreprocess preprocess() const override { return towers_.preprocess; }
  int64_t grid_size() const override;
  int64_t hidden_size() const override;
  at::Tensor forward(const at::Tensor& pixels) override;

  bool has_text_tower() const override { return towers_.text != nullptr; }
  at::Tensor image_embeds(const at::Tensor& pixels) override;
  at::Tensor text_embeds(const at::Tensor& input_ids, const at::Tensor& attention_mask) override;

  // All of transformers' outputs of each tower (parity checks, features of any layer).
  TowerOutput vision_outputs(const at::Tensor& pixels);
  TowerOutput text_outputs(const at::Tensor& input_ids, const at::Tensor& attention_mask);
  // hidden_states index that forward() returns, in 0..num_layers (select_layer made non-negative).
  int64_t feature_index() const { return feature_index_; }

  std::string hf_config() const override { return towers_.hf_config; }
  std::vector<NamedTensor> named_parameters() override;
  void set_requires_grad(bool requires_grad) override;
  void set_training(bool training) override;
  void to(const at::Device& device, at::ScalarType dtype) override;

 private:
  void require_weights() const;
  at::Tensor prepared_pixels(const at::Tensor& pixels) const;
  TowerOutput run_text(const at::Tensor& input_ids, const at::Tensor& attention_mask, bool all_hidden_states);
  void load(const std::filesystem::path& checkpoint);

  std::string name_;
  VitTowers towers_;
  // transformers' module tree: vision_model, text_model, the projections. Its parameter names
  // are the checkpoint's.
  std::shared_ptr<torch::nn::Module> model_;
  int64_t feature_index_ = 0;
};

}  // namespace vlforge::models
