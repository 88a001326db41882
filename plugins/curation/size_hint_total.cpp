#include "size_hint_total.hpp"

namespace vlforge::curation {

int64_t size_hint_total(const Dataset& data, std::span<const std::string> shards) {
  int64_t total = 0;
  for (const auto& shard : shards) {
    const int64_t hint = data.shard_size_hint(shard);
    if (hint < 0) return 0;
    total += hint;
  }
  return total;
}

}  // namespace vlforge::curation
