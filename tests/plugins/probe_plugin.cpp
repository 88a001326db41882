// Test plugin `probe`: a stage that records each unit of work it does, for the runner's skip and
// resume tests, and a constant scorer, for the recipe validation tests and (slowed down) the
// score stage's kill-and-resume test.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "vlforge/interfaces/scorer.hpp"
#include "vlforge/interfaces/stage.hpp"
#include "vlforge/plugin.hpp"

namespace {

struct ProbeConfig {
  int64_t units = 3;
  int64_t delay_ms = 0;
  std::string log;
  std::string mode = "fast";
  double ratio = 0.5;
  vlforge::StageRef input;
  vlforge::ComponentSpec scorer;
};

// Does `units` units of work; a unit already marked done in the stage folder is not redone.
class ProbeStage final : public vlforge::Stage {
 public:
  explicit ProbeStage(ProbeConfig cfg) : cfg_(std::move(cfg)) {}

  void run(vlforge::Context& ctx) override {
    if (!cfg_.scorer.empty()) ctx.create<vlforge::Scorer>(cfg_.scorer);
    for (int64_t i = 0; i < cfg_.units; ++i) {
      const auto done = ctx.work_dir() / ("unit-" + std::to_string(i) + ".done");
      if (std::filesystem::exists(done)) continue;
      std::this_thread::sleep_for(std::chrono::milliseconds(cfg_.delay_ms));
      if (!cfg_.log.empty()) {
        std::ofstream(cfg_.log, std::ios::app) << ctx.stage() << " " << i << (ctx.resuming() ? " resumed" : "") << "\n";
      }
      std::ofstream(done) << "done\n";
    }
  }

 private:
  ProbeConfig cfg_;
};

struct ConstantConfig {
  double value = 1.0;
  int64_t delay_ms = 0;
  int64_t batch_size = 64;
};

class ConstantScorer final : public vlforge::Scorer {
 public:
  explicit ConstantScorer(ConstantConfig cfg) : cfg_(cfg) {}
  std::string score_name() const override { return "constant"; }
  int64_t batch_size() const override { return cfg_.batch_size; }
  std::vector<vlforge::ScoreRow> score(std::span<const vlforge::Sample> batch) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(cfg_.delay_ms));
    return std::vector<vlforge::ScoreRow>(batch.size(), vlforge::ScoreRow{cfg_.value, {}});
  }

 private:
  ConstantConfig cfg_;
};

void register_probe(vlforge::Registrar& r) {
  vlforge::Schema<ProbeConfig> probe("Records each unit of work in `log`; skips units already done.");
  probe.field("units", &ProbeConfig::units, "units of work").range(1, 1000);
  probe.field("delay_ms", &ProbeConfig::delay_ms, "sleep before each unit").range(0, 60000);
  probe.field("log", &ProbeConfig::log, "file to append 'STAGE UNIT' lines to");
  probe.field("mode", &ProbeConfig::mode, "a choice").choices({"fast", "slow"});
  probe.field("ratio", &ProbeConfig::ratio, "a fraction").range(0.0, 1.0);
  probe.field("input", &ProbeConfig::input, "an earlier stage").optional();
  probe.field("scorer", &ProbeConfig::scorer, "a scorer to create").kind("scorer").optional();
  r.add<vlforge::Stage>("probe", std::move(probe),
                        [](const ProbeConfig& c, vlforge::Context&) { return std::make_unique<ProbeStage>(c); });

  vlforge::Schema<ConstantConfig> constant("Scores every sample with `value`.");
  constant.field("value", &ConstantConfig::value, "the score").required();
  constant.field("delay_ms", &ConstantConfig::delay_ms, "sleep per batch").range(0, 60000);
  constant.field("batch_size", &ConstantConfig::batch_size, "samples per batch").range(1, 100000);
  r.add<vlforge::Scorer>("constant", std::move(constant), [](const ConstantConfig& c, vlforge::Context&) {
    return std::make_unique<ConstantScorer>(c);
  });
}

}  // namespace

VLFORGE_PLUGIN(register_probe)
