// selector/uid-list: keeps (or, with keep = false, drops) the samples whose uid is in a
// DataComp / DFN .npy uid list, e.g. DFN's released subset of DataComp-medium.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "npy_uid_list.hpp"
#include "vlforge/interfaces/selector.hpp"

namespace vlforge::selectors {

struct UidListConfig {
  std::filesystem::path path;
  bool keep = true;  // true: keep the listed uids (a subset); false: drop them (a block list)
};

class UidListSelector final : public Selector {
 public:
  explicit UidListSelector(const UidListConfig& cfg);

  size_t size() const { return list_->size(); }
  bool list_was_sorted() const { return list_->was_sorted(); }
  void select(std::span<const SelectionRecord> records, std::span<Verdict> verdicts) override;

 private:
  std::unique_ptr<NpyUidList> list_;
  bool keep_listed_;
  std::string not_listed_, listed_, not_a_uid_;
};

}  // namespace vlforge::selectors
