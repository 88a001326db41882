// One shard of dataset/webdataset as a SampleReader: tar records in, checked samples out, every
// skipped record (damage found by the tar reader, defects found by the validator) listed in
// stream order.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "record_validator.hpp"
#include "vlforge/interfaces/dataset.hpp"
#include "vlforge/webdataset.hpp"

namespace vlforge::webdataset {

class WebDatasetSampleReader final : public SampleReader {
 public:
  WebDatasetSampleReader(const std::filesystem::path& shard, std::shared_ptr<const RecordValidator> validator);

  bool next(Sample& out) override;
  const std::vector<SkippedRecord>& skipped() const override { return skipped_; }

 private:
  void take_tar_problems();

  WebDatasetReader tar_;
  std::shared_ptr<const RecordValidator> validator_;
  std::vector<SkippedRecord> skipped_;
  size_t tar_problems_taken_ = 0;
};

}  // namespace vlforge::webdataset
