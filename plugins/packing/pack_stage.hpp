// stage/pack: tokenizes caption samples in the paper's layout (caption_document.hpp) and packs
// them into sequences of at most `context` tokens with the recipe's packer, per window of input
// shards (1 = per shard, as the paper), into packed shards (packed_shard.hpp):
//
//   packed/00000000.vlpack, ...   one per window, in shard order
//   packed/NNNNNNNN.vlpack.counts.json   what went into it (marks the window done)
//   pack_report.json, pack_report.txt    totals (pack_report.hpp), rank 0, after every window
//   packed.txt                           the packed shards, in order
//
// Window i is packed by rank i % world_size; a window whose counts exist is skipped on a rerun.
#pragma once

#include <cstdint>
#include <string>

#include "vlforge/interfaces/stage.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::packing {

struct PackStageConfig {
  ComponentSpec data;
  ComponentSpec tokenizer;
  ComponentSpec packer{"packer", "ffd", {}, {}};
  int64_t window = 1;
  int64_t image_token_id = -1;
  std::string end_text = "<|im_end|>";
  std::string over_length = "truncate";
};

Schema<PackStageConfig> pack_stage_schema();

class PackStage final : public Stage {
 public:
  explicit PackStage(PackStageConfig cfg) : cfg_(std::move(cfg)) {}

  void run(Context& ctx) override;

 private:
  PackStageConfig cfg_;
};

}  // namespace vlforge::packing
