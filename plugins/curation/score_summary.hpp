// Score statistics: per shard (kept next to the shard's table, so a resumed or multi-rank run can
// still summarise shards scored earlier or elsewhere) and over the whole stage
// (score_summary.json: samples, mean/min/max score, samples the readers skipped by reason).
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace vlforge::curation {

struct ScoreStats {
  int64_t samples = 0;
  int64_t non_finite = 0;  // NaN or infinite scores, left out of sum/min/max
  double sum = 0.0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::map<std::string, int64_t> skipped;  // by the dataset reader, by reason

  void add(double score);
  void merge(const ScoreStats& other);
  int64_t finite() const { return samples - non_finite; }
};

// scores/<shard>.<score_name>.stats.json, next to the table.
std::filesystem::path shard_stats_path(const std::filesystem::path& table_path);
void write_shard_stats(const std::filesystem::path& path, const ScoreStats& stats);
ScoreStats read_shard_stats(const std::filesystem::path& path);

struct ShardStats {
  std::string shard;
  ScoreStats stats;
};

// The text of score_summary.json.
std::string score_summary_json(const std::string& score_name, const std::vector<ShardStats>& shards);

}  // namespace vlforge::curation
