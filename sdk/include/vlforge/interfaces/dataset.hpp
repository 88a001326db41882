// Interface of kind `dataset`: a sharded stream of samples (WebDataset tars, LLaVA JSON,
// synthetic worlds).
//
// Shards are the unit of parallelism and of resume: stages split shards over ranks and keep
// one output per shard. Readers skip bad records (corrupt image, missing caption, ...) and count
// them by reason instead of failing the run.
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

class VLFORGE_API SampleReader {
 public:
  virtual ~SampleReader();
  // Fills `out` with the next good sample; false at the end of the shard.
  virtual bool next(Sample& out) = 0;
  // Records skipped so far, by reason ("corrupt image", "missing .txt", ...).
  virtual std::map<std::string, int64_t> skipped() const { return {}; }
};

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
