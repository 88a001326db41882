// How well a plan packs: filled and padded share of its sequences, and how far it is from the
// fewest sequences any packing could use, ceil(total / context).
#pragma once

#include <cstdint>
#include <span>

#include "vlforge/interfaces/packer.hpp"

namespace vlforge::packers {

struct PackingStats {
  int64_t samples = 0;
  int64_t sequences = 0;
  int64_t tokens = 0;       // sum of the sample lengths
  int64_t lower_bound = 0;  // ceil(tokens / context): no packing needs fewer sequences
  double fill_ratio = 0;    // tokens / (sequences * context)
  double padding_ratio = 0; // 1 - fill_ratio: the share of sequence tokens that are padding
  double excess_ratio = 0;  // (sequences - lower_bound) / lower_bound
};

PackingStats packing_stats(const PackPlan& plan, std::span<const int64_t> lengths, int64_t context);

}  // namespace vlforge::packers
