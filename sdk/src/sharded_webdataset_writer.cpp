#include <cstdio>

#include "vlforge/error.hpp"
#include "vlforge/webdataset.hpp"

namespace vlforge {
namespace {

std::filesystem::path shard_path(const std::filesystem::path& dir, const std::string& prefix, size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "%08zu.tar", index);
  return dir / (prefix + name);
}

}  // namespace

ShardedWebDatasetWriter::ShardedWebDatasetWriter(std::filesystem::path dir, int64_t per_shard, std::string prefix)
    : dir_(std::move(dir)), per_shard_(per_shard), prefix_(std::move(prefix)) {
  if (per_shard_ < 1)
    throw Error(dir_.string(), "samples per shard must be at least 1, got " + std::to_string(per_shard_));
  if (prefix_.find('/') != std::string::npos)
    throw Error(dir_.string(), "shard prefix '" + prefix_ + "' must not contain '/'");
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw Error(dir_.string(), "cannot create the shard folder: " + ec.message());
}

// An unclosed last shard is removed by its writer: the folder holds only complete shards.
ShardedWebDatasetWriter::~ShardedWebDatasetWriter() = default;

void ShardedWebDatasetWriter::open_next() {
  current_ = std::make_unique<WebDatasetWriter>(shard_path(dir_, prefix_, shards_.size()));
}

void ShardedWebDatasetWriter::write(const Sample& sample) {
  if (!current_) open_next();
  current_->write(sample);
  ++samples_;
  if (current_->records() == per_shard_) close();
}

void ShardedWebDatasetWriter::close() {
  if (!current_) return;
  current_->close();
  current_.reset();
  shards_.push_back(shard_path(dir_, prefix_, shards_.size()));
}

}  // namespace vlforge
