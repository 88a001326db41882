// Refusing lengths no sequence of `context` tokens can hold, before any algorithm runs.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace vlforge::packers {

// Throws vlforge::Error(where, ...) naming the first sample whose length is <= 0 or > context.
void check_lengths(const std::string& where, std::span<const int64_t> lengths, int64_t context);

}  // namespace vlforge::packers
