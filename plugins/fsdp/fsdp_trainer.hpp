// trainer/fsdp: the sharded data-parallel training loop (see flat_unit.hpp for the strategies).
#pragma once

#include "fsdp_config.hpp"
#include "vlforge/interfaces/trainer.hpp"

namespace vlforge::fsdp {

class FsdpTrainer final : public Trainer {
 public:
  explicit FsdpTrainer(FsdpConfig config) : config_(std::move(config)) {}
  TrainSummary fit(LossModel& model, BatchStream& data, const TrainPlan& plan, Context& ctx) override;

 private:
  FsdpConfig config_;
};

}  // namespace vlforge::fsdp
