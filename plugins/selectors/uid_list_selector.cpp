#include "uid_list_selector.hpp"

namespace vlforge::selectors {

UidListSelector::UidListSelector(const UidListConfig& cfg)
    : list_(std::make_unique<NpyUidList>(cfg.path)),
      keep_listed_(cfg.keep),
      not_listed_("uid not in " + cfg.path.filename().string()),
      listed_("uid in " + cfg.path.filename().string()),
      not_a_uid_("uid is not 32 hex digits") {}

void UidListSelector::select(std::span<const SelectionRecord> records, std::span<Verdict> verdicts) {
  for (size_t i = 0; i < records.size(); ++i) {
    const std::optional<Uid128> uid = parse_uid128(records[i].uid);
    if (!uid) {
      // A uid the list cannot hold is never in it: kept by a block list, dropped by a subset.
      verdicts[i] = keep_listed_ ? Verdict{false, not_a_uid_} : Verdict{};
      continue;
    }
    const bool listed = list_->contains(*uid);
    if (listed == keep_listed_)
      verdicts[i] = Verdict{};
    else
      verdicts[i] = Verdict{false, listed ? listed_ : not_listed_};
  }
}

}  // namespace vlforge::selectors
