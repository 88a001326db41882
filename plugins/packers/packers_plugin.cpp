// Plugin `packers`: packer/ffd, packer/bfd, packer/ffd-refine, packer/none.
#include <memory>
#include <string>

#include "best_fit_decreasing.hpp"
#include "bin_packer.hpp"
#include "ffd_refinement.hpp"
#include "first_fit_decreasing.hpp"
#include "one_per_bin.hpp"
#include "vlforge/context.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::packers {
namespace {

Schema<PackerConfig> packer_schema(const char* doc) {
  Schema<PackerConfig> s(doc);
  s.field("context", &PackerConfig::context, "tokens per packed sequence; a longer sample is refused").min(1);
  s.field("image_tokens", &PackerConfig::image_tokens, "tokens each image counts for in a sample's length")
      .min(0);
  return s;
}

void add(Registrar& r, const std::string& name, const char* doc, PackingAlgorithm algorithm) {
  r.add<Packer>(name, packer_schema(doc), [name, algorithm](const PackerConfig& cfg, Context&) {
    return std::make_unique<BinPacker>("packer/" + name, cfg, algorithm);
  });
}

void register_components(Registrar& r) {
  add(r, "ffd",
      "First-fit-decreasing, as Open-Qwen2VL packs: longest sample first, each into the first sequence with "
      "room for it (equal lengths in input order). O(n log n).",
      &first_fit_decreasing);
  add(r, "bfd",
      "Best-fit-decreasing: longest sample first, each into the sequence with the least room that still holds "
      "it (the earliest on ties). O(n log n).",
      &best_fit_decreasing);
  add(r, "ffd-refine",
      "First-fit-decreasing, then every sequence it left short is refilled from the pooled samples (longest "
      "first, then the last tokens by an exact subset sum); kept only when it needs fewer sequences, so it "
      "never pads more than packer/ffd.",
      &ffd_refinement);
  add(r, "none", "No packing: one sample per sequence in input order, the padded baseline for ablations.",
      &one_per_bin);
}

}  // namespace
}  // namespace vlforge::packers

VLFORGE_PLUGIN(vlforge::packers::register_components)
