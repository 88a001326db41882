// Best-fit-decreasing: longest sample first, each into the open sequence with the least room
// that still holds it (the lowest such sequence on ties). O(n log n).
#pragma once

#include <cstdint>
#include <span>

#include "vlforge/interfaces/packer.hpp"

namespace vlforge::packers {

// `lengths` in [1, context] (checked by the caller).
PackPlan best_fit_decreasing(std::span<const int64_t> lengths, int64_t context);

}  // namespace vlforge::packers
