// stage/ingest: turns a local folder of images with captions, or a .jsonl / .tsv list of them
// (ingest_source.hpp), into WebDataset shards of resized images, captions and uids: the input
// format of every other data stage.
//
// Output: shards/00000000.tar, ... with samples_per_shard samples each (fewer where entries were
// skipped), shards.txt, ingest_report.json and skipped.tsv. Shard i is written by rank
// i % world_size and renamed into place when complete, so a rerun skips finished shards.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "vlforge/interfaces/stage.hpp"
#include "vlforge/schema.hpp"

namespace vlforge::curation {

struct IngestStageConfig {
  std::filesystem::path source;
  ComponentSpec codec{"image_codec", "opencv", {}, {}};
  std::vector<std::string> image_extensions{"jpg", "jpeg", "png", "webp", "bmp", "ppm"};
  int64_t samples_per_shard = 10000;
  int64_t image_size = 256;
  std::string resize_mode = "shorter_side";
  bool resize_only_if_bigger = false;
  std::string format = "jpg";
  int64_t min_image_side = 10;
  int64_t max_image_pixels = 89478485;
};

Schema<IngestStageConfig> ingest_stage_schema();

class IngestStage final : public Stage {
 public:
  explicit IngestStage(IngestStageConfig cfg) : cfg_(std::move(cfg)) {}

  void run(Context& ctx) override;

 private:
  IngestStageConfig cfg_;
};

}  // namespace vlforge::curation
