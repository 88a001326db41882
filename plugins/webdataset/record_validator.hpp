// Turns a WebDataset record into a Sample, or says why it is skipped: one fixed reason phrase per
// kind of defect, so reports can count them, and a detail naming what exactly was wrong.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vlforge/interfaces/dataset.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/sample.hpp"
#include "vlforge/webdataset.hpp"
#include "webdataset_config.hpp"

namespace vlforge::webdataset {

enum class ImageCheck { none, header, decode };

class RecordValidator {
 public:
  // `codec` may be null only when `check` is none.
  RecordValidator(const WebDatasetConfig& cfg, ImageCheck check, std::shared_ptr<const ImageCodec> codec);

  // Checks, in this order (the first failure is the reason): image present, image not empty,
  // caption present, UTF-8 and not blank, json present and an object, a non-empty string uid,
  // then the codec checks (cheapest first). On success moves the record's bytes into `out`.
  std::optional<SkippedRecord> to_sample(WebDatasetRecord& record, Sample& out) const;

 private:
  std::optional<SkippedRecord> check_image(const WebDatasetRecord& record, const std::string& ext,
                                           const std::vector<uint8_t>& bytes) const;

  std::string caption_;
  std::vector<std::string> image_extensions_;
  bool require_image_;
  ImageCheck check_;
  int64_t min_side_;
  int64_t max_pixels_;
  std::shared_ptr<const ImageCodec> codec_;
};

}  // namespace vlforge::webdataset
