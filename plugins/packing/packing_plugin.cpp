// Plugin `packing`: stage/pack, which turns curated caption shards into packed pre-training
// sequences.
#include <memory>

#include "pack_stage.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::packing {
namespace {

void register_components(Registrar& r) {
  r.add<Stage>("pack", pack_stage_schema(), [](const PackStageConfig& cfg, Context&) {
    return std::make_unique<PackStage>(cfg);
  });
}

}  // namespace
}  // namespace vlforge::packing

VLFORGE_PLUGIN(vlforge::packing::register_components)
