// Plugin `http-serve`: stage/serve, an OpenAI-compatible HTTP server over a trained model.
#include <memory>

#include "serve_stage.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::serve {
namespace {

void register_components(Registrar& r) {
  r.add<Stage>("serve", serve_stage_schema(),
               [](const ServeStageConfig& cfg, Context&) { return std::make_unique<ServeStage>(cfg); });
}

}  // namespace
}  // namespace vlforge::serve

VLFORGE_PLUGIN(vlforge::serve::register_components)
