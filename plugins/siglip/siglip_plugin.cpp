// Plugin `siglip`: vision_encoder/siglip.
#include <memory>

#include "siglip.hpp"
#include "vlforge/context.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::siglip {
namespace {

void register_components(Registrar& r) {
  r.add<VisionEncoder>(
      "siglip",
      models::vit_vision_encoder_schema(
          "SigLIP image tower (e.g. google/siglip-so400m-patch14-384, the Open-Qwen2VL encoder) from a Hugging Face "
          "folder. forward() gives the patches [B, grid*grid, hidden] of hidden_states[select_layer] (default -2: "
          "the second-to-last layer, no post_layernorm); image_embeds() is the attention-pooled output; with "
          "text_tower = true, text_embeds() is the text tower's head output on the last position. Images: plain "
          "resize to image_size, mean = std = 0.5."),
      [](const models::VitVisionEncoderConfig& cfg, Context& ctx) {
        const models::VitFolderConfig folder = models::read_vit_folder_config(cfg.checkpoint, "siglip");
        return std::make_unique<models::VitVisionEncoder>(
            "vision_encoder/siglip", cfg,
            build_towers(folder, cfg.text_tower, models::VitVisionEncoder::parameter_options(cfg)), ctx.seed());
      });
}

}  // namespace
}  // namespace vlforge::siglip

VLFORGE_PLUGIN(vlforge::siglip::register_components)
