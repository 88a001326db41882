// First-fit-decreasing, then a refill of every sequence FFD left short of `context`: each is
// filled again from the pooled samples, longest first while several samples' worth of room is
// left, then exactly by a bounded subset sum over the pooled lengths. The result replaces FFD's
// only when it needs fewer sequences, so it never pads more than FFD. Deterministic; about 20 ms
// for a 10k-sample shard of captions.
#pragma once

#include <cstdint>
#include <span>

#include "vlforge/interfaces/packer.hpp"

namespace vlforge::packers {

// `lengths` in [1, context] (checked by the caller).
PackPlan ffd_refinement(std::span<const int64_t> lengths, int64_t context);

}  // namespace vlforge::packers
