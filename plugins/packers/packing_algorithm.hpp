// The signature every packing algorithm of this plugin has: lengths already checked to lie in
// [1, context], result bins listing each index exactly once.
#pragma once

#include <cstdint>
#include <span>

#include "vlforge/interfaces/packer.hpp"

namespace vlforge::packers {

using PackingAlgorithm = PackPlan (*)(std::span<const int64_t> lengths, int64_t context);

}  // namespace vlforge::packers
