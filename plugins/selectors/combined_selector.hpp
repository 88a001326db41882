// selector/union and selector/intersection: combine child selectors. Union keeps a record that
// any child keeps; intersection keeps one that every child keeps. Every child sees every record,
// so stateful children (dedup) stay consistent.
#pragma once

#include <memory>
#include <vector>

#include "vlforge/interfaces/selector.hpp"

namespace vlforge::selectors {

struct CombinedConfig {
  std::vector<ComponentSpec> of;
};

class CombinedSelector final : public Selector {
 public:
  enum class Mode { any, all };

  CombinedSelector(Mode mode, std::vector<std::shared_ptr<Selector>> children);

  std::vector<std::string> required_scores() const override;
  void select(std::span<const SelectionRecord> records, std::span<Verdict> verdicts) override;

 private:
  Mode mode_;
  std::vector<std::shared_ptr<Selector>> children_;
  std::vector<std::vector<Verdict>> child_verdicts_;  // reused between calls
};

}  // namespace vlforge::selectors
