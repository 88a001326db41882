#include "webdataset_sample_reader.hpp"

#include <utility>

namespace vlforge::webdataset {

WebDatasetSampleReader::WebDatasetSampleReader(const std::filesystem::path& shard,
                                               std::shared_ptr<const RecordValidator> validator)
    : tar_(shard), validator_(std::move(validator)) {}

bool WebDatasetSampleReader::next(Sample& out) {
  WebDatasetRecord record;
  for (;;) {
    const bool more = tar_.next(record);
    take_tar_problems();
    if (!more) return false;
    auto problem = validator_->to_sample(record, out);
    if (!problem) return true;
    skipped_.push_back(std::move(*problem));
  }
}

void WebDatasetSampleReader::take_tar_problems() {
  const auto& problems = tar_.problems();
  for (; tar_problems_taken_ < problems.size(); ++tar_problems_taken_)
    skipped_.push_back(problems[tar_problems_taken_]);
}

}  // namespace vlforge::webdataset
