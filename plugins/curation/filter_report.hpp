// The filter report: how many samples were kept and dropped, why, and per source shard.
// Written as report.json (for tools) and report.txt (for people).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vlforge/interfaces/selector.hpp"

namespace vlforge::curation {

class FilterReport {
 public:
  struct ShardCounts {
    std::string shard;
    int64_t kept = 0;
    int64_t dropped = 0;
  };

  void begin_shard(const std::string& shard) { shards_.push_back({shard, 0, 0}); }
  void add(const Verdict& verdict);  // counts toward the last begun shard
  void add_skipped(const std::map<std::string, int64_t>& skipped);

  int64_t total() const { return kept_ + dropped(); }
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
};

}  // namespace vlforge::curation
