#include "webdataset_dataset.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tar_record_count.hpp"
#include "vlforge/error.hpp"
#include "vlforge/webdataset.hpp"
#include "webdataset_sample_reader.hpp"

namespace vlforge::webdataset {
namespace {

constexpr const char* kWhere = "dataset/webdataset";

ImageCheck image_check(const std::string& name) {
  if (name == "none") return ImageCheck::none;
  if (name == "header") return ImageCheck::header;
  if (name == "decode") return ImageCheck::decode;
  throw Error(kWhere, "check_images must be \"none\", \"header\" or \"decode\", got '" + name + "'");
}

// A folder: its .tar files in name order. A .txt file: one shard per line (what stage/filter
// writes to shards.txt), relative to the list's folder. Anything else: a brace pattern.
std::vector<std::string> shard_list(const std::string& pattern) {
  namespace fs = std::filesystem;
  const fs::path path(pattern);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(path))
      if (entry.is_regular_file() && entry.path().extension() == ".tar") out.push_back(entry.path().string());
    std::sort(out.begin(), out.end());
    if (out.empty()) throw Error(kWhere, "folder '" + pattern + "' holds no .tar shards");
    return out;
  }
  if (path.extension() == ".txt" && fs::is_regular_file(path, ec)) {
    std::vector<std::string> out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      const fs::path shard(line);
      out.push_back(shard.is_absolute() ? line : (path.parent_path() / shard).string());
    }
    if (out.empty()) throw Error(kWhere, "shard list '" + pattern + "' is empty");
    return out;
  }
  return expand_braces(pattern);
}

}  // namespace

WebDatasetDataset::WebDatasetDataset(const WebDatasetConfig& cfg, Context& ctx) : pattern_(cfg.shards) {
  if (pattern_.empty()) throw Error(kWhere, "'shards' is empty (a brace pattern such as \"data/{00000..00099}.tar\")");
  shards_ = shard_list(pattern_);
  std::vector<std::string> missing;
  for (const auto& shard : shards_) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(shard, ec)) missing.push_back(shard);
  }
  if (missing.size() == shards_.size())
    throw Error(kWhere, "no file matches shards '" + pattern_ + "' (" +
                            (shards_.size() == 1 ? std::string("it names 1 file")
                                                 : "it names " + std::to_string(shards_.size()) + " files") +
                            ", none exists; relative paths are relative to the current directory, " +
                            std::filesystem::current_path().string() + ")");
  if (!missing.empty())
    throw Error(kWhere, "shard '" + missing.front() + "' of '" + pattern_ + "' does not exist (" +
                            std::to_string(missing.size()) + " of " + std::to_string(shards_.size()) + " missing)");

  const ImageCheck check = image_check(cfg.check_images);
  std::shared_ptr<const ImageCodec> codec;
  if (check != ImageCheck::none) codec = ctx.create<ImageCodec>(cfg.codec);
  validator_ = std::make_shared<RecordValidator>(cfg, check, std::move(codec));
}

bool WebDatasetDataset::has_shard(const std::string& shard) const {
  return std::find(shards_.begin(), shards_.end(), shard) != shards_.end();
}

std::unique_ptr<SampleReader> WebDatasetDataset::open(const std::string& shard) const {
  if (!has_shard(shard)) throw Error(kWhere, "no shard '" + shard + "' in '" + pattern_ + "'");
  return std::make_unique<WebDatasetSampleReader>(shard, validator_);
}

int64_t WebDatasetDataset::shard_size_hint(const std::string& shard) const {
  return has_shard(shard) ? count_tar_records(shard) : -1;
}

}  // namespace vlforge::webdataset
