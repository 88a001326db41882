// First-fit-decreasing, the packing of Open-Qwen2VL: longest sample first, each into the first
// sequence with room for it. O(n log n).
#pragma once

#include <cstdint>
#include <span>

#include "vlforge/interfaces/packer.hpp"

namespace vlforge::packers {

// `lengths` in [1, context] (checked by the caller).
PackPlan first_fit_decreasing(std::span<const int64_t> lengths, int64_t context);

}  // namespace vlforge::packers
