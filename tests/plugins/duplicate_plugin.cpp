// Test plugin built twice (duplicate-a, duplicate-b): both register scorer/duplicate-probe.
#include "vlforge/interfaces/scorer.hpp"
#include "vlforge/plugin.hpp"

namespace {

struct Empty {};

class ZeroScorer final : public vlforge::Scorer {
 public:
  std::string score_name() const override { return "zero"; }
  std::vector<vlforge::ScoreRow> score(std::span<const vlforge::Sample> b) override {
    return std::vector<vlforge::ScoreRow>(b.size());
  }
};

void register_duplicate(vlforge::Registrar& r) {
  r.add<vlforge::Scorer>("duplicate-probe", vlforge::Schema<Empty>("scores zero"),
                         [](const Empty&, vlforge::Context&) { return std::make_unique<ZeroScorer>(); });
}

}  // namespace

VLFORGE_PLUGIN(register_duplicate)
