// The filter report: how many samples were kept, dropped (by the selector) and skipped (by the
// dataset reader: corrupt images, truncated tars, ...), why, and per source shard. Written as
// report.json (for tools) and report.txt (for people); every skipped record is listed in
// skipped.tsv, which the stage writes alongside.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vlforge/interfaces/dataset.hpp"
#include "vlforge/interfaces/selector.hpp"

namespace vlforge::curation {

class FilterReport {
 public:
  struct ShardCounts {
    std::string shard;
    int64_t kept = 0;
    int64_t dropped = 0;
    int64_t skipped = 0;
  };

  void begin_shard(const std::string& shard) { shards_.push_back({shard, 0, 0}); }
  void add(const Verdict& verdict);  // counts toward the last begun shard
  void add_skipped(const std::vector<SkippedRecord>& skipped);  // counts toward the last begun shard
  void set_output(std::vector<std::string> shards, int64_t samples_per_shard);

  int64_t total() const { return kept_ + dropped(); }  // samples the selector saw
  int64_t skipped() const;
  int64_t kept() const { return kept_; }
  int64_t dropped() const;
  double kept_percent() const;

  std::string json(const std::string& scores_stage, const std::string& selector) const;
  std::string text(const std::string& scores_stage, const std::string& selector) const;

 private:
  int64_t kept_ = 0;
  std::map<std::string, int64_t> dropped_by_reason_;
  std::map<std::string, int64_t> skipped_;
  std::vector<ShardCounts> shards_;
  std::vector<std::string> output_shards_;
  int64_t samples_per_shard_ = 0;
};

}  // namespace vlforge::curation
