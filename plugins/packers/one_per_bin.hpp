// No packing: each sample alone in its own sequence, in input order; the padded baseline of the
// packing ablations.
#pragma once

#include <cstdint>
#include <span>

#include "vlforge/interfaces/packer.hpp"

namespace vlforge::packers {

PackPlan one_per_bin(std::span<const int64_t> lengths, int64_t context);

}  // namespace vlforge::packers
