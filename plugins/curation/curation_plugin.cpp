// Plugin `curation`: stage/ingest, stage/score and stage/filter, the data-curation steps of a recipe.
#include <memory>

#include "filter_stage.hpp"
#include "ingest_stage.hpp"
#include "score_stage.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::curation {
namespace {

void register_components(Registrar& r) {
  r.add<Stage>("ingest", ingest_stage_schema(), [](const IngestStageConfig& cfg, Context&) {
    return std::make_unique<IngestStage>(cfg);
  });
  r.add<Stage>("score", score_stage_schema(), [](const ScoreStageConfig& cfg, Context&) {
    return std::make_unique<ScoreStage>(cfg);
  });
  r.add<Stage>("filter", filter_stage_schema(), [](const FilterStageConfig& cfg, Context&) {
    return std::make_unique<FilterStage>(cfg);
  });
}

}  // namespace
}  // namespace vlforge::curation

VLFORGE_PLUGIN(vlforge::curation::register_components)
