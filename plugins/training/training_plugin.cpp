// Plugin `training`: stage/train, pre-training and SFT of a multimodal model with any trainer.
#include <memory>

#include "train_stage.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::training {
namespace {

void register_components(Registrar& r) {
  r.add<Stage>("train", train_stage_schema(),
               [](const TrainStageConfig& cfg, Context&) { return std::make_unique<TrainStage>(cfg); });
}

}  // namespace
}  // namespace vlforge::training

VLFORGE_PLUGIN(vlforge::training::register_components)
