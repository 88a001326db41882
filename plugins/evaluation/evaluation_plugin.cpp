// Plugin `evaluation`: stage/evaluate (benchmarks on a trained model) and stage/chat.
#include <memory>

#include "chat_stage.hpp"
#include "evaluate_stage.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::evaluation {
namespace {

void register_components(Registrar& r) {
  r.add<Stage>("evaluate", evaluate_stage_schema(),
               [](const EvaluateStageConfig& cfg, Context&) { return std::make_unique<EvaluateStage>(cfg); });
  r.add<Stage>("chat", chat_stage_schema(),
               [](const ChatStageConfig& cfg, Context&) { return std::make_unique<ChatStage>(cfg); });
}

}  // namespace
}  // namespace vlforge::evaluation

VLFORGE_PLUGIN(vlforge::evaluation::register_components)
