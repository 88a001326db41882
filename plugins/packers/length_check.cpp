#include "length_check.hpp"

#include "vlforge/error.hpp"

namespace vlforge::packers {

void check_lengths(const std::string& where, std::span<const int64_t> lengths, int64_t context) {
  for (size_t i = 0; i < lengths.size(); ++i) {
    const int64_t length = lengths[i];
    if (length <= 0)
      throw Error(where, "sample " + std::to_string(i) + " has length " + std::to_string(length) +
                             " (every sample needs at least one token)");
    if (length > context)
      throw Error(where, "sample " + std::to_string(i) + " has length " + std::to_string(length) +
                             ", more than the context of " + std::to_string(context) +
                             " tokens (truncate or drop it before packing, or raise `context`)");
  }
}

}  // namespace vlforge::packers
