#include "score_summary.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "vlforge/atomic_file.hpp"
#include "vlforge/error.hpp"

namespace vlforge::curation {

namespace {

using Json = nlohmann::ordered_json;

// JSON has no infinities: a missing min/max (no finite score) is null.
Json number_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json stats_summary(const ScoreStats& s) {
  Json j;
  j["samples"] = s.samples;
  j["mean"] = s.finite() > 0 ? Json(s.sum / static_cast<double>(s.finite())) : Json(nullptr);
  j["min"] = number_or_null(s.min);
  j["max"] = number_or_null(s.max);
  j["non_finite"] = s.non_finite;
  j["skipped"] = s.skipped;
  return j;
}

}  // namespace

void ScoreStats::add(double score) {
  ++samples;
  if (!std::isfinite(score)) {
    ++non_finite;
    return;
  }
  sum += score;
  min = std::min(min, score);
  max = std::max(max, score);
}

void ScoreStats::merge(const ScoreStats& other) {
  samples += other.samples;
  non_finite += other.non_finite;
  sum += other.sum;
  min = std::min(min, other.min);
  max = std::max(max, other.max);
  for (const auto& [reason, n] : other.skipped) skipped[reason] += n;
}

std::filesystem::path shard_stats_path(const std::filesystem::path& table_path) {
  return std::filesystem::path(table_path).replace_extension(".stats.json");
}

void write_shard_stats(const std::filesystem::path& path, const ScoreStats& s) {
  Json j;
  j["samples"] = s.samples;
  j["non_finite"] = s.non_finite;
  j["sum"] = s.sum;
  j["min"] = number_or_null(s.min);
  j["max"] = number_or_null(s.max);
  j["skipped"] = s.skipped;
  write_file_atomically(path, j.dump(2) + "\n");
}

ScoreStats read_shard_stats(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string(), "cannot open shard statistics (rerun the stage to rewrite them)");
  try {
    const Json j = Json::parse(in);
    ScoreStats s;
    s.samples = j.at("samples").get<int64_t>();
    s.non_finite = j.at("non_finite").get<int64_t>();
    s.sum = j.at("sum").get<double>();
    if (!j.at("min").is_null()) s.min = j.at("min").get<double>();
    if (!j.at("max").is_null()) s.max = j.at("max").get<double>();
    s.skipped = j.at("skipped").get<std::map<std::string, int64_t>>();
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw Error(path.string(), std::string("malformed shard statistics: ") + e.what() +
                                   " (delete it and its .tsv to score the shard again)");
  }
}

std::string score_summary_json(const std::string& score_name, const std::vector<ShardStats>& shards) {
  ScoreStats total;
  Json per_shard = Json::array();
  for (const auto& [shard, stats] : shards) {
    total.merge(stats);
    Json j;
    j["shard"] = shard;
    j.update(stats_summary(stats));
    per_shard.push_back(std::move(j));
  }
  Json j;
  j["score"] = score_name;
  j["shards"] = shards.size();
  j.update(stats_summary(total));
  j["per_shard"] = std::move(per_shard);
  return j.dump(2) + "\n";
}

}  // namespace vlforge::curation
