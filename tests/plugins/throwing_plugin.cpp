// Broken plugin: registers one component, then throws; nothing of it may stay registered.
#include "vlforge/interfaces/scorer.hpp"
#include "vlforge/plugin.hpp"

namespace {

struct Empty {};

class NeverScorer final : public vlforge::Scorer {
 public:
  std::string score_name() const override { return "never"; }
  std::vector<vlforge::ScoreRow> score(std::span<const vlforge::Sample>) override { return {}; }
};

void register_then_throw(vlforge::Registrar& r) {
  r.add<vlforge::Scorer>("half-registered", vlforge::Schema<Empty>("never usable"),
                         [](const Empty&, vlforge::Context&) { return std::make_unique<NeverScorer>(); });
  throw vlforge::Error("throwing-plugin", "model folder 'weights/' not found");
}

}  // namespace

VLFORGE_PLUGIN(register_then_throw)
