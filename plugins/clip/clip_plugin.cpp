// Plugin `clip`: vision_encoder/clip.
#include <memory>

#include "clip.hpp"
#include "vlforge/context.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::clip {
namespace {

void register_components(Registrar& r) {
  r.add<VisionEncoder>(
      "clip",
      models::vit_vision_encoder_schema(
          "CLIP image tower (e.g. openai/clip-vit-large-patch14-336, the LLaVA-1.5 encoder) from a Hugging Face "
          "folder. forward() gives the patches [B, grid*grid, hidden] of hidden_states[select_layer] (default -2), "
          "without the class token (LLaVA's \"patch\" feature); image_embeds() is post_layernorm of the class token "
          "(times visual_projection in a composite CLIPModel); with text_tower = true, text_embeds() pools the first "
          "eos position. Images: resize to image_size, OpenAI CLIP mean and std."),
      [](const models::VitVisionEncoderConfig& cfg, Context& ctx) {
        const models::VitFolderConfig folder = models::read_vit_folder_config(cfg.checkpoint, "clip");
        return std::make_unique<models::VitVisionEncoder>(
            "vision_encoder/clip", cfg,
            build_towers(folder, cfg.text_tower, models::VitVisionEncoder::parameter_options(cfg)), ctx.seed());
      });
}

}  // namespace
}  // namespace vlforge::clip

VLFORGE_PLUGIN(vlforge::clip::register_components)
