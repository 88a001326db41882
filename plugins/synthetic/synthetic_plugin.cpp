// Plugin `synthetic`: dataset/synthetic, the image-caption world of the quickstart recipe, and
// stage/synthetic-conversations, question/answer data about the same world for fine-tuning.
#include <memory>

#include "conversations_stage.hpp"
#include "synthetic_dataset.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::synthetic {
namespace {

Schema<WorldConfig> world_schema() {
  Schema<WorldConfig> s(
      "A deterministic synthetic image-caption world: PPM images of 1-3 coloured circles, squares and "
      "triangles on a plain background, captioned in English (\"a red circle above a blue square on a "
      "white background\"). Sample i depends only on (seed, i). Some captions are corrupted web-style and "
      "some samples are duplicated, so that curation has something to find; each sample's json says which "
      "({\"uid\", \"noise\", \"kind\"}).");
  s.field("samples", &WorldConfig::samples, "total number of samples over all shards").min(1);
  s.field("shards", &WorldConfig::shards,
          "number of shards (synthetic-00000, ...); sizes differ by at most one sample, at most `samples`")
      .min(1);
  s.field("image_size", &WorldConfig::image_size, "side of the square images, in pixels").range(8, 512);
  s.field("seed", &WorldConfig::seed, "seed of the world; the same seed gives the same bytes everywhere").min(0);
  s.field("noise_fraction", &WorldConfig::noise_fraction,
          "probability that a (non-duplicate) sample's caption is corrupted: empty, one word repeated, "
          "non-letter junk, or the caption of a different image")
      .range(0, 1);
  s.field("duplicate_fraction", &WorldConfig::duplicate_fraction,
          "probability that a sample re-emits an earlier sample of its shard (same uid, image and caption)")
      .range(0, 1);
  return s;
}

void register_components(Registrar& r) {
  r.add<Dataset>("synthetic", world_schema(), [](const WorldConfig& cfg, Context&) {
    return std::make_unique<SyntheticDataset>(cfg);
  });
  r.add<Stage>("synthetic-conversations", conversations_stage_schema(), [](const ConversationsStageConfig& cfg, Context&) {
    return std::make_unique<ConversationsStage>(cfg);
  });
}

}  // namespace
}  // namespace vlforge::synthetic

VLFORGE_PLUGIN(vlforge::synthetic::register_components)
