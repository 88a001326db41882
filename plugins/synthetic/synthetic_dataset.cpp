#include "synthetic_dataset.hpp"

#include <charconv>
#include <cstdio>

#include "vlforge/error.hpp"

namespace vlforge::synthetic {

namespace {

constexpr std::string_view kShardPrefix = "synthetic-";

std::string shard_name(int64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "synthetic-%05lld", static_cast<long long>(index));
  return buf;
}

// Streams one shard, generating each sample when asked: memory stays flat.
class SyntheticReader final : public SampleReader {
 public:
  SyntheticReader(std::shared_ptr<const SyntheticWorld> world, int64_t begin, int64_t end)
      : world_(std::move(world)), next_(begin), end_(end) {}

  bool next(Sample& out) override {
    if (next_ >= end_) return false;
    world_->sample(next_++, out);
    return true;
  }

 private:
  std::shared_ptr<const SyntheticWorld> world_;
  int64_t next_;
  int64_t end_;
};

}  // namespace

SyntheticDataset::SyntheticDataset(const WorldConfig& cfg) : world_(std::make_shared<SyntheticWorld>(cfg)) {}

std::vector<std::string> SyntheticDataset::shards() const {
  std::vector<std::string> names;
  for (int64_t s = 0; s < world_->shard_count(); ++s) names.push_back(shard_name(s));
  return names;
}

std::optional<int64_t> SyntheticDataset::shard_index(const std::string& name) const {
  if (!name.starts_with(kShardPrefix)) return std::nullopt;
  const char* first = name.data() + kShardPrefix.size();
  const char* last = name.data() + name.size();
  int64_t index = -1;
  const auto [end, ec] = std::from_chars(first, last, index);
  if (ec != std::errc() || end != last || index < 0 || index >= world_->shard_count()) return std::nullopt;
  // Only the canonical spelling names a shard ("synthetic-1" does not).
  if (shard_name(index) != name) return std::nullopt;
  return index;
}

std::unique_ptr<SampleReader> SyntheticDataset::open(const std::string& shard) const {
  const auto index = shard_index(shard);
  if (!index)
    throw Error("dataset/synthetic", "no shard '" + shard + "' (shards are " + shard_name(0) + " to " +
                                         shard_name(world_->shard_count() - 1) + ")");
  return std::make_unique<SyntheticReader>(world_, world_->shard_begin(*index), world_->shard_end(*index));
}

int64_t SyntheticDataset::shard_size_hint(const std::string& shard) const {
  const auto index = shard_index(shard);
  return index ? world_->shard_end(*index) - world_->shard_begin(*index) : -1;
}

}  // namespace vlforge::synthetic
