#include "ingest_stage.hpp"

#include <algorithm>
#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vlforge/atomic_file.hpp"
#include "ingest_source.hpp"
#include "skipped_table.hpp"
#include "vlforge/context.hpp"
#include "vlforge/error.hpp"
#include "vlforge/image_check.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/utf8.hpp"
#include "vlforge/webdataset.hpp"

namespace vlforge::curation {

namespace fs = std::filesystem;

namespace {

struct ShardResult {
  int64_t written = 0;
  std::vector<SkippedRecord> skipped;
};

std::string shard_name(size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "%08zu.tar", index);
  return name;
}

std::vector<uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// 32 hex digits from the image bytes and the caption, in the form DataComp uids take: the same
// pair always gets the same uid, so exact duplicates share one and dedup by uid drops them.
std::string content_uid(const std::vector<uint8_t>& image, const std::string& caption) {
  static const boost::uuids::uuid kNamespace{};
  boost::uuids::name_generator_sha1 generate(kNamespace);
  std::string name(image.begin(), image.end());
  name += '\0';
  name += caption;
  std::string uid = boost::uuids::to_string(generate(name));
  uid.erase(std::remove(uid.begin(), uid.end(), '-'), uid.end());
  return uid;
}

ResizeMode resize_mode(const std::string& mode) {
  if (mode == "shorter_side") return ResizeMode::shorter_side;
  if (mode == "stretch") return ResizeMode::stretch;
  return ResizeMode::pad_square;
}

class ShardIngester {
 public:
  ShardIngester(const IngestStageConfig& cfg, const ImageCodec& codec) : cfg_(cfg), codec_(codec) {
    limits_.min_side = cfg.min_image_side;
    limits_.max_pixels = cfg.max_image_pixels;
  }

  ShardResult write(std::span<const IngestItem> items, const fs::path& tar, Progress& bar) {
    ShardResult result;
    WebDatasetWriter out(tar);
    int64_t index = 0;
    for (const IngestItem& item : items) {
      bar.advance(1);
      Sample sample;
      std::string reason, detail;
      if (!prepare(item, sample, reason, detail)) {
        result.skipped.push_back({item.key, reason, detail});
        continue;
      }
      char key[24];
      std::snprintf(key, sizeof key, "%06lld", static_cast<long long>(index++));
      sample.key = key;
      out.write(sample);
      ++result.written;
    }
    out.close();
    return result;
  }

 private:
  bool prepare(const IngestItem& item, Sample& sample, std::string& reason, std::string& detail) const {
    if (!item.problem.empty()) {
      reason = item.problem;
      detail = item.detail;
      return false;
    }
    if (!is_valid_utf8(item.caption)) {
      reason = "caption not UTF-8";
      detail = std::to_string(item.caption.size()) + " bytes";
      return false;
    }
    if (item.caption.find_first_not_of(" \t\r\n") == std::string::npos) {
      reason = "empty caption";
      return false;
    }
    std::error_code ec;
    if (!fs::is_regular_file(item.image, ec)) {
      reason = "missing image";
      detail = item.image.string();
      return false;
    }
    const std::vector<uint8_t> bytes = read_bytes(item.image);
    if (auto problem = check_image(codec_, bytes, limits_)) {
      reason = problem->reason;
      detail = item.image.string() + ": " + problem->detail;
      return false;
    }
    at::Tensor rgb;
    try {
      rgb = codec_.decode(bytes);
    } catch (const Error& e) {
      reason = "corrupt image";
      detail = e.what();
      return false;
    }
    const int64_t original_width = rgb.size(1), original_height = rgb.size(0);
    const int64_t shorter = std::min(original_width, original_height);
    if (cfg_.resize_mode != "none" && !(cfg_.resize_only_if_bigger && shorter <= cfg_.image_size))
      rgb = codec_.resize(rgb, cfg_.image_size, cfg_.image_size, resize_mode(cfg_.resize_mode));
    sample.image = codec_.encode(rgb, cfg_.format);
    sample.image_format = cfg_.format;
    sample.text = item.caption;
    sample.uid = item.uid.empty() ? content_uid(bytes, item.caption) : item.uid;
    const nlohmann::json meta{{"uid", sample.uid},
                              {"source", item.key},
                              {"original_width", original_width},
                              {"original_height", original_height},
                              {"width", rgb.size(1)},
                              {"height", rgb.size(0)}};
    sample.json = meta.dump();
    return true;
  }

  const IngestStageConfig& cfg_;
  const ImageCodec& codec_;
  ImageLimits limits_;
};

// Per-shard results live beside the shards, so the report is complete on any rank count and
// after any number of interruptions.
void write_shard_result(const fs::path& path, const ShardResult& r) {
  nlohmann::json j{{"written", r.written}, {"skipped", nlohmann::json::array()}};
  for (const SkippedRecord& s : r.skipped) j["skipped"].push_back({s.key, s.reason, s.detail});
  write_file_atomically(path, j.dump());
}

ShardResult read_shard_result(const fs::path& path) {
  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains("written"))
    throw Error(path.string(), "unreadable shard result (delete the shard and its .result.json to redo it)");
  ShardResult r;
  r.written = j["written"].get<int64_t>();
  for (const auto& s : j["skipped"]) r.skipped.push_back({s[0], s[1], s[2]});
  return r;
}

void write_report(Context& ctx, const fs::path& out_dir, size_t shard_count, int64_t inputs) {
  std::map<std::string, int64_t> by_reason;
  int64_t written = 0;
  std::string list;
  std::ostringstream skipped;
  write_skipped_header(skipped);
  for (size_t s = 0; s < shard_count; ++s) {
    const fs::path tar = out_dir / shard_name(s);
    const ShardResult r = read_shard_result(fs::path(tar).concat(".result.json"));
    written += r.written;
    list += tar.string() + "\n";
    for (const SkippedRecord& record : r.skipped) {
      ++by_reason[record.reason];
      write_skipped_row(skipped, shard_name(s), record);
    }
  }
  nlohmann::ordered_json j{{"inputs", inputs}, {"written", written}, {"shards", shard_count}};
  j["skipped"] = inputs - written;
  j["skipped_by_reason"] = by_reason;
  j["skipped_list"] = "skipped.tsv";
  write_file_atomically(ctx.work_dir() / "shards.txt", list);
  write_file_atomically(ctx.work_dir() / "skipped.tsv", skipped.str());
  write_file_atomically(ctx.work_dir() / "ingest_report.json", j.dump(2) + "\n");
  ctx.log().info("ingested ", written, " of ", inputs, " entries into ", shard_count, " shard(s)",
                 inputs > written ? "; skipped " + std::to_string(inputs - written) + " (see skipped.tsv)" : "");
}

}  // namespace

Schema<IngestStageConfig> ingest_stage_schema() {
  Schema<IngestStageConfig> s(
      "Turns a folder of images with same-named .txt captions, or a .jsonl / .tsv list of image paths and "
      "captions, into WebDataset shards (shards/00000000.tar, ...) of resized, re-encoded images, captions and "
      "uids (the list's, or 32 hex digits hashed from image and caption). Bad entries are skipped and listed in "
      "skipped.tsv; ingest_report.json counts them by reason. Shard i is written by rank i % world_size; "
      "finished shards are kept on a rerun.");
  s.field("source", &IngestStageConfig::source, "a folder of images, or a .jsonl / .tsv list").required();
  s.field("codec", &IngestStageConfig::codec, "decodes, resizes and encodes the images").kind("image_codec");
  s.field("image_extensions", &IngestStageConfig::image_extensions, "file extensions read as images in a folder");
  s.field("samples_per_shard", &IngestStageConfig::samples_per_shard, "input entries per output shard").min(1);
  s.field("image_size", &IngestStageConfig::image_size,
          "target size: the shorter side (shorter_side), or the square side (stretch, pad_square)")
      .min(1);
  s.field("resize_mode", &IngestStageConfig::resize_mode,
          "shorter_side keeps the aspect ratio, as img2dataset; none keeps the original size")
      .choices({"shorter_side", "stretch", "pad_square", "none"});
  s.field("resize_only_if_bigger", &IngestStageConfig::resize_only_if_bigger,
          "leave images whose shorter side is already <= image_size as they are");
  s.field("format", &IngestStageConfig::format, "encoding of the stored images").choices({"jpg", "png", "webp"});
  s.field("min_image_side", &IngestStageConfig::min_image_side, "images with a smaller side are skipped").min(1);
  s.field("max_image_pixels", &IngestStageConfig::max_image_pixels,
          "images with more pixels are skipped before decoding (PIL's decompression-bomb limit)")
      .min(1);
  return s;
}

void IngestStage::run(Context& ctx) {
  const std::vector<IngestItem> items = list_ingest_items(cfg_.source, cfg_.image_extensions);
  if (items.empty()) throw Error(cfg_.source.string(), "holds no images to ingest");
  const std::shared_ptr<ImageCodec> codec = ctx.create<ImageCodec>(cfg_.codec);
  const fs::path out_dir = ctx.work_dir() / "shards";
  fs::create_directories(out_dir);

  const auto per_shard = static_cast<size_t>(cfg_.samples_per_shard);
  const size_t shard_count = (items.size() + per_shard - 1) / per_shard;
  std::vector<size_t> todo;
  size_t mine = 0;
  for (size_t s = 0; s < shard_count; ++s) {
    if (static_cast<int>(s % static_cast<size_t>(ctx.world_size())) != ctx.rank()) continue;
    ++mine;
    const fs::path tar = out_dir / shard_name(s);
    if (!fs::exists(fs::path(tar).concat(".result.json"))) todo.push_back(s);
  }
  if (todo.size() < mine) ctx.log().info("resuming: ", mine - todo.size(), " of ", mine, " shard(s) already written");

  int64_t total = 0;
  for (size_t s : todo) total += static_cast<int64_t>(std::min(per_shard, items.size() - s * per_shard));
  Progress bar = ctx.progress("ingest", total, "images");
  ShardIngester ingester(cfg_, *codec);
  for (size_t s : todo) {
    const size_t begin = s * per_shard;
    const size_t count = std::min(per_shard, items.size() - begin);
    const fs::path tar = out_dir / shard_name(s);
    const ShardResult result = ingester.write(std::span(items).subspan(begin, count), tar, bar);
    // The result file marks the shard done, so it is written after the tar is in place.
    write_shard_result(fs::path(tar).concat(".result.json"), result);
  }
  bar.finish();
  ctx.sync().barrier("every shard ingested");
  if (ctx.is_main_rank()) write_report(ctx, out_dir, shard_count, static_cast<int64_t>(items.size()));
}

}  // namespace vlforge::curation
