// Plugin `selectors`: selector/threshold, selector/uid-list, selector/dedup, selector/union,
// selector/intersection.
#include <memory>

#include "combined_selector.hpp"
#include "dedup_selector.hpp"
#include "threshold_selector.hpp"
#include "uid_list_selector.hpp"
#include "vlforge/context.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::selectors {
namespace {

Schema<ThresholdConfig> threshold_schema() {
  Schema<ThresholdConfig> s(
      "Keeps a sample when its score column `score` lies in [min, max]; drops it otherwise (reason e.g. "
      "\"caption_quality < 50\"), and drops NaN scores.");
  s.field("score", &ThresholdConfig::score, "score column to test, e.g. \"caption_quality\" or \"clip_score\"")
      .required();
  s.field("min", &ThresholdConfig::min, "smallest score kept (inclusive)");
  s.field("max", &ThresholdConfig::max, "largest score kept (inclusive); the default 1e308 means no upper bound");
  return s;
}

Schema<UidListConfig> uid_list_schema() {
  Schema<UidListConfig> s(
      "Keeps the samples whose uid is in a DataComp / DFN uid list: a .npy of sorted pairs of uint64 "
      "(np.dtype(\"u8,u8\"), the first and last 16 hex digits of each 32-digit uid), memory-mapped and "
      "searched by bisection. Dropped samples get the reason \"uid not in FILE\"; with keep = false the "
      "list is a block list instead.");
  s.field("path", &UidListConfig::path, "the .npy uid list").required();
  s.field("keep", &UidListConfig::keep, "true: keep the listed uids; false: drop them");
  return s;
}

Schema<DedupConfig> dedup_schema() {
  Schema<DedupConfig> s(
      "Keeps the first sample of each uid (by = \"uid\") or of each image (by = \"content\", a hash of the "
      "image bytes) in shard order, and drops the later ones (reason \"duplicate uid\" / \"duplicate "
      "image\").");
  s.field("by", &DedupConfig::by, "what makes two samples duplicates").choices({"uid", "content"});
  return s;
}

Schema<CombinedConfig> combined_schema(const char* doc) {
  Schema<CombinedConfig> s(doc);
  s.field("of", &CombinedConfig::of, "the selectors to combine (at least one)").kind("selector").required();
  return s;
}

std::vector<std::shared_ptr<Selector>> create_children(const CombinedConfig& cfg, Context& ctx) {
  std::vector<std::shared_ptr<Selector>> children;
  for (const ComponentSpec& spec : cfg.of) children.push_back(ctx.create<Selector>(spec));
  return children;
}

void register_components(Registrar& r) {
  r.add<Selector>("threshold", threshold_schema(), [](const ThresholdConfig& cfg, Context&) {
    return std::make_unique<ThresholdSelector>(cfg);
  });
  r.add<Selector>("uid-list", uid_list_schema(), [](const UidListConfig& cfg, Context& ctx) {
    auto selector = std::make_unique<UidListSelector>(cfg);
    ctx.log().info("uid list ", cfg.path.string(), ": ", selector->size(), " uids",
                   selector->list_was_sorted() ? "" : " (not sorted on disk: sorted a copy in memory)");
    return selector;
  });
  r.add<Selector>("dedup", dedup_schema(), [](const DedupConfig& cfg, Context&) {
    return std::make_unique<DedupSelector>(cfg);
  });
  r.add<Selector>("union",
                  combined_schema("Keeps a sample when ANY selector of `of` keeps it; a dropped sample's reason "
                                  "joins all of their reasons with \" and \"."),
                  [](const CombinedConfig& cfg, Context& ctx) {
                    return std::make_unique<CombinedSelector>(CombinedSelector::Mode::any, create_children(cfg, ctx));
                  });
  r.add<Selector>("intersection",
                  combined_schema("Keeps a sample when EVERY selector of `of` keeps it; a dropped sample's reason "
                                  "joins the reasons of the selectors that dropped it with \" and \"."),
                  [](const CombinedConfig& cfg, Context& ctx) {
                    return std::make_unique<CombinedSelector>(CombinedSelector::Mode::all, create_children(cfg, ctx));
                  });
}

}  // namespace
}  // namespace vlforge::selectors

VLFORGE_PLUGIN(vlforge::selectors::register_components)
