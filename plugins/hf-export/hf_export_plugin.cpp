// Plugin `hf-export`: stage/export, a trained model as Hugging Face folders.
#include <memory>

#include "export_stage.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::hf_export {
namespace {

void register_components(Registrar& r) {
  r.add<Stage>("export", export_stage_schema(),
               [](const ExportStageConfig& cfg, Context&) { return std::make_unique<ExportStage>(cfg); });
}

}  // namespace
}  // namespace vlforge::hf_export

VLFORGE_PLUGIN(vlforge::hf_export::register_components)
