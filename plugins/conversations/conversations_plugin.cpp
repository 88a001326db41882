// Plugin `conversations`: stage/conversation-index, which turns LLaVA-style conversation JSON
// into the pre-tokenised index that SFT training reads (conversation_data.hpp).
#include <memory>

#include "conversation_index_stage.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::conversations {
namespace {

void register_components(Registrar& r) {
  r.add<Stage>("conversation-index", conversation_index_stage_schema(),
               [](const ConversationIndexStageConfig& cfg, Context&) {
                 return std::make_unique<ConversationIndexStage>(cfg);
               });
}

}  // namespace
}  // namespace vlforge::conversations

VLFORGE_PLUGIN(vlforge::conversations::register_components)
