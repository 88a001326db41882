#include "combined_selector.hpp"

#include <algorithm>

#include "vlforge/error.hpp"

namespace vlforge::selectors {

CombinedSelector::CombinedSelector(Mode mode, std::vector<std::shared_ptr<Selector>> children)
    : mode_(mode), children_(std::move(children)), child_verdicts_(children_.size()) {
  if (children_.empty())
    throw Error(mode_ == Mode::any ? "selector/union" : "selector/intersection",
                "`of` is empty (list at least one selector)");
}

std::vector<std::string> CombinedSelector::required_scores() const {
  std::vector<std::string> all;
  for (const auto& child : children_)
    for (auto& name : child->required_scores())
      if (std::find(all.begin(), all.end(), name) == all.end()) all.push_back(std::move(name));
  return all;
}

void CombinedSelector::select(std::span<const SelectionRecord> records, std::span<Verdict> verdicts) {
  for (size_t c = 0; c < children_.size(); ++c) {
    child_verdicts_[c].assign(records.size(), Verdict{});
    children_[c]->select(records, child_verdicts_[c]);
  }
  for (size_t i = 0; i < records.size(); ++i) {
    size_t kept = 0;
    std::string reason;
    for (const auto& child : child_verdicts_) {
      if (child[i].keep) {
        ++kept;
        continue;
      }
      if (child[i].reason.empty()) continue;
      if (!reason.empty()) reason += " and ";
      reason += child[i].reason;
    }
    const bool keep = mode_ == Mode::any ? kept > 0 : kept == children_.size();
    verdicts[i] = keep ? Verdict{} : Verdict{false, std::move(reason)};
  }
}

}  // namespace vlforge::selectors
