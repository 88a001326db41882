// Broken plugin: built "against another LibTorch" (the build sets VLFORGE_FINGERPRINT_TORCH_VERSION).
#include "vlforge/interfaces/scorer.hpp"
#include "vlforge/plugin.hpp"

namespace {
void register_nothing(vlforge::Registrar&) {}
}  // namespace

VLFORGE_PLUGIN(register_nothing)
