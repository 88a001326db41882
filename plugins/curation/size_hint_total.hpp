// The samples in a list of shards, for a progress bar's total: 0 when any shard's size is
// unknown, and the bar then shows a count and a rate only.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "vlforge/interfaces/dataset.hpp"

namespace vlforge::curation {

int64_t size_hint_total(const Dataset& data, std::span<const std::string> shards);

}  // namespace vlforge::curation
