// Configuration shared by every packer of this plugin.
#pragma once

#include <cstdint>

namespace vlforge::packers {

struct PackerConfig {
  int64_t context = 4096;     // tokens per packed sequence
  int64_t image_tokens = 144; // tokens one image counts for, reported to the pack stage
};

}  // namespace vlforge::packers
