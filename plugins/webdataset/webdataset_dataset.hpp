// dataset/webdataset: WebDataset tar shards named by a brace pattern, each record checked
// (image, caption, json with uid) before it becomes a Sample.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "record_validator.hpp"
#include "vlforge/context.hpp"
#include "vlforge/interfaces/dataset.hpp"
#include "webdataset_config.hpp"

namespace vlforge::webdataset {

class WebDatasetDataset final : public Dataset {
 public:
  // Expands and checks the shard list (every shard must exist) and creates the codec.
  WebDatasetDataset(const WebDatasetConfig& cfg, Context& ctx);

  std::vector<std::string> shards() const override { return shards_; }
  std::unique_ptr<SampleReader> open(const std::string& shard) const override;
  int64_t shard_size_hint(const std::string& shard) const override;

 private:
  bool has_shard(const std::string& shard) const;

  std::string pattern_;
  std::vector<std::string> shards_;
  // Shared with the readers, which may outlive the dataset object.
  std::shared_ptr<const RecordValidator> validator_;
};

}  // namespace vlforge::webdataset
