// Interface of kind `dataset`: a sharded stream of samples (WebDataset tars, LLaVA JSON,
// synthetic worlds).
//
// Shards are the unit of parallelism and of resume: stages split shards over ranks and keep
// one output per shard. Readers skip bad records (corrupt image, missing caption, truncated
// tar, ...) and list each one with its reason instead of failing the run; stages put the list in
// their reports, so nothing is dropped silently.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/export.hpp"
#include "vlforge/sample.hpp"

namespace vlforge {

// A record a reader did not yield, and why.
struct SkippedRecord {
  std::string key;     // the record's key within its shard ("" when the damage has no key)
  std::string reason;  // a short fixed phrase to count by: "corrupt image", "missing .txt", ...
  std::string detail;  // what exactly was wrong, for the report: "1x1 pixels (minimum 10)"
};

class VLFORGE_API SampleReader {
 public:
  virtual ~SampleReader();
  // Fills `out` with the next good sample; false at the end of the shard.
  virtual bool next(Sample& out) = 0;
  // Records skipped so far, in stream order.
  virtual const std::vector<SkippedRecord>& skipped() const;
};

// Skips counted by reason.
VLFORGE_API std::map<std::string, int64_t> count_by_reason(const std::vector<SkippedRecord>& skipped);

class VLFORGE_API Dataset : public Component {
 public:
  static constexpr std::string_view kind = "dataset";
  ~Dataset() override;

  // Stable shard names, in order (file paths for tar shards).
  virtual std::vector<std::string> shards() const = 0;
  virtual std::unique_ptr<SampleReader> open(const std::string& shard) const = 0;
  // Samples in a shard if known without reading it, else -1 (progress bars).
  virtual int64_t shard_size_hint(const std::string& shard) const;
};

}  // namespace vlforge
