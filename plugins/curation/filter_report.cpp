#include "filter_report.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace vlforge::curation {

namespace {

// Reasons, most frequent first (ties by name), as people read them.
std::vector<std::pair<std::string, int64_t>> by_count(const std::map<std::string, int64_t>& counts) {
  std::vector<std::pair<std::string, int64_t>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

std::string line(const char* format, auto... args) {
  std::string out(static_cast<size_t>(std::snprintf(nullptr, 0, format, args...)), '\0');
  std::snprintf(out.data(), out.size() + 1, format, args...);
  return out;
}

}  // namespace

void FilterReport::add(const Verdict& verdict) {
  ShardCounts& shard = shards_.back();
  if (verdict.keep) {
    ++kept_;
    ++shard.kept;
  } else {
    ++dropped_by_reason_[verdict.reason.empty() ? "unspecified" : verdict.reason];
    ++shard.dropped;
  }
}

void FilterReport::add_skipped(const std::vector<SkippedRecord>& skipped) {
  for (const auto& s : skipped) ++skipped_[s.reason];
  shards_.back().skipped += static_cast<int64_t>(skipped.size());
}

void FilterReport::set_output(std::vector<std::string> shards, int64_t samples_per_shard) {
  output_shards_ = std::move(shards);
  samples_per_shard_ = samples_per_shard;
}

int64_t FilterReport::skipped() const {
  int64_t n = 0;
  for (const auto& [reason, count] : skipped_) n += count;
  return n;
}

int64_t FilterReport::dropped() const {
  int64_t n = 0;
  for (const auto& [reason, count] : dropped_by_reason_) n += count;
  return n;
}

double FilterReport::kept_percent() const {
  return total() == 0 ? 0.0 : 100.0 * static_cast<double>(kept_) / static_cast<double>(total());
}

std::string FilterReport::json(const std::string& scores_stage, const std::string& selector) const {
  using Json = nlohmann::ordered_json;
  Json j;
  j["scores"] = scores_stage;
  j["selector"] = selector;
  j["total"] = total();
  j["kept"] = kept_;
  j["dropped"] = dropped();
  j["dropped_by_reason"] = Json::object();
  for (const auto& [reason, n] : by_count(dropped_by_reason_)) j["dropped_by_reason"][reason] = n;
  j["skipped"] = skipped();
  j["skipped_by_reason"] = Json::object();
  for (const auto& [reason, n] : by_count(skipped_)) j["skipped_by_reason"][reason] = n;
  j["skipped_list"] = "skipped.tsv";
  j["shards"] = Json::array();
  for (const auto& s : shards_)
    j["shards"].push_back(Json{{"shard", s.shard},
                               {"total", s.kept + s.dropped},
                               {"kept", s.kept},
                               {"dropped", s.dropped},
                               {"skipped", s.skipped}});
  j["output"] = Json{{"samples_per_shard", samples_per_shard_}, {"shards", output_shards_}};
  return j.dump(2) + "\n";
}

std::string FilterReport::text(const std::string& scores_stage, const std::string& selector) const {
  const auto ll = [](int64_t v) { return static_cast<long long>(v); };
  std::string out = "filter report: " + selector + " on the scores of stage '" + scores_stage + "'\n\n";
  out += line("kept     %10lld of %lld samples (%.2f%%)\n", ll(kept_), ll(total()), kept_percent());
  out += line("dropped  %10lld  by the selector\n", ll(dropped()));
  out += line("skipped  %10lld  by the dataset reader (each one in skipped.tsv)\n", ll(skipped()));
  if (!dropped_by_reason_.empty()) {
    out += "\ndropped by reason\n";
    for (const auto& [reason, n] : by_count(dropped_by_reason_)) out += line("  %10lld  %s\n", ll(n), reason.c_str());
  }
  if (!skipped_.empty()) {
    out += "\nskipped by the dataset reader\n";
    for (const auto& [reason, n] : by_count(skipped_)) out += line("  %10lld  %s\n", ll(n), reason.c_str());
  }
  size_t width = 5;
  for (const auto& s : shards_) width = std::max(width, s.shard.size());
  out += "\nper source shard\n";
  out += line("  %-*s  %10s  %10s  %10s  %10s\n", static_cast<int>(width), "shard", "total", "kept", "dropped",
              "skipped");
  for (const auto& s : shards_)
    out += line("  %-*s  %10lld  %10lld  %10lld  %10lld\n", static_cast<int>(width), s.shard.c_str(),
                ll(s.kept + s.dropped), ll(s.kept), ll(s.dropped), ll(s.skipped));
  if (!output_shards_.empty())
    out += line("\nwrote %lld kept samples to %zu shard(s) of up to %lld: shards/\n", ll(kept_), output_shards_.size(),
                ll(samples_per_shard_));
  return out;
}

}  // namespace vlforge::curation
