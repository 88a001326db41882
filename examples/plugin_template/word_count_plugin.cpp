// The plugin's one registration function; VLFORGE_PLUGIN exports it with the descriptor.
#include <vlforge/plugin.hpp>

#include "word_count_scorer.hpp"

namespace {

void register_components(vlforge::Registrar& r) {
  r.add<vlforge::Scorer>("word-count", word_count::word_count_schema(),
                         [](const word_count::WordCountConfig& cfg, vlforge::Context&) {
                           return std::make_unique<word_count::WordCountScorer>(cfg);
                         });
}

}  // namespace

VLFORGE_PLUGIN(register_components)
