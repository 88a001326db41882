// Broken plugin: a descriptor written for ABI major 99.
#include "vlforge/abi.h"
#include "vlforge/fingerprint.hpp"

namespace {
int register_nothing(void*, char*, size_t) { return 0; }
}  // namespace

extern "C" __attribute__((visibility("default"))) const vlforge_plugin_descriptor* vlforge_plugin_entry(void) {
  static const vlforge_plugin_descriptor d = {99, 0, "abi-major", "1.0", VLFORGE_FINGERPRINT_INIT, &register_nothing};
  return &d;
}
