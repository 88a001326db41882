// dataset/synthetic: the SyntheticWorld cut into shards `synthetic-00000`, `synthetic-00001`, ...
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "synthetic_world.hpp"
#include "vlforge/interfaces/dataset.hpp"

namespace vlforge::synthetic {

class SyntheticDataset final : public Dataset {
 public:
  explicit SyntheticDataset(const WorldConfig& cfg);

  std::vector<std::string> shards() const override;
  std::unique_ptr<SampleReader> open(const std::string& shard) const override;
  int64_t shard_size_hint(const std::string& shard) const override;

 private:
  std::optional<int64_t> shard_index(const std::string& name) const;

  // Shared with the readers, which may outlive the dataset object.
  std::shared_ptr<const SyntheticWorld> world_;
};

}  // namespace vlforge::synthetic
