// selector/dedup: keeps the first record of each uid (or of each image content hash) and drops
// every later one, across select() calls: the stage calls it shard by shard, in order.
#pragma once

#include <string>
#include <unordered_set>

#include "vlforge/interfaces/selector.hpp"

namespace vlforge::selectors {

struct DedupConfig {
  std::string by = "uid";
};

class DedupSelector final : public Selector {
 public:
  explicit DedupSelector(DedupConfig cfg);

  void select(std::span<const SelectionRecord> records, std::span<Verdict> verdicts) override;

 private:
  bool by_content_;
  std::unordered_set<std::string> seen_;
};

}  // namespace vlforge::selectors
