#include "dedup_selector.hpp"

#include "vlforge/error.hpp"

namespace vlforge::selectors {

DedupSelector::DedupSelector(DedupConfig cfg) : by_content_(cfg.by == "content") {
  if (cfg.by != "uid" && cfg.by != "content")
    throw Error("selector/dedup", "by = '" + cfg.by + "' (must be \"uid\" or \"content\")");
}

void DedupSelector::select(std::span<const SelectionRecord> records, std::span<Verdict> verdicts) {
  for (size_t i = 0; i < records.size(); ++i) {
    const SelectionRecord& r = records[i];
    const std::string& key = by_content_ ? r.content_hash : r.uid;
    if (key.empty())
      throw Error("selector/dedup", "record '" + r.uid + "' of '" + r.source + "' has no " +
                                        (by_content_ ? "content hash (the stage did not hash the images; use by = \"uid\")"
                                                     : "uid (every record needs one)"));
    const bool first = seen_.insert(key).second;
    verdicts[i] = first ? Verdict{} : Verdict{false, by_content_ ? "duplicate image" : "duplicate uid"};
  }
}

}  // namespace vlforge::selectors
