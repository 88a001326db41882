// The order the decreasing heuristics place samples in.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace vlforge::packers {

// Indices of `lengths`, longest first; equal lengths keep index order so packing is deterministic.
std::vector<int64_t> decreasing_order(std::span<const int64_t> lengths);

}  // namespace vlforge::packers
