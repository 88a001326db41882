// Plugin `fsdp`: trainer/fsdp, sharded data-parallel training on c10d.
#include <memory>

#include "fsdp_config.hpp"
#include "fsdp_trainer.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::fsdp {
namespace {

void register_components(Registrar& r) {
  r.add<Trainer>("fsdp", fsdp_schema(),
                 [](const FsdpConfig& cfg, Context&) { return std::make_unique<FsdpTrainer>(cfg); });
}

}  // namespace
}  // namespace vlforge::fsdp

VLFORGE_PLUGIN(vlforge::fsdp::register_components)
