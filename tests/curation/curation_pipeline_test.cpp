// The curation stages end to end through the real executable, on WebDataset shards this test
// writes: score (caption heuristics), then filter with threshold AND DFN-style uid list AND
// content dedup, resharded. The kept samples must be exactly those the test selects itself from
// the same score tables; every dirty record must be skipped, listed with its reason, and never
// stop the run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "npy_uid_file.hpp"
#include "process.hpp"
#include "file_bytes.hpp"
#include "forged_png.hpp"
#include "tar_builder.hpp"
#include "test_paths.hpp"
#include "tsv.hpp"
#include "vlforge/webdataset.hpp"

namespace vlforge::test {
namespace {

namespace fs = std::filesystem;

std::string file_bytes(const fs::path& p) { return text_of(read_bytes(p)); }

struct Planned {
  std::string key, uid, caption, image, ext;
  std::string reason;  // why the reader must skip it; empty for a good record
  bool omit_txt = false, omit_json = false;
};

class CurationPipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir("curation_pipeline");
    fs::create_directories(dir_ / "data");
    images_ = kSourceDir / "tests" / "data" / "images";
    plan();
    write_shards();
  }

  std::string next_uid() {
    static const char* hex = "0123456789abcdef";
    std::string uid(32, '0');
    for (char& c : uid) c = hex[rng_() % 16];
    return uid;
  }

  std::string caption() {
    static const std::vector<std::string> words = {"a",   "red",  "circle", "on",    "blue",   "square", "near",
                                                   "the", "tree", "small",  "green", "bright", "house",  "dog"};
    static const std::vector<std::string> noisy = {"buy buy buy buy buy", "$$$ ### !!! 123", "ok", "IMG_2041.JPG"};
    if (rng_() % 4 == 0) return noisy[rng_() % noisy.size()];
    std::string text;
    const size_t n = 3 + rng_() % 8;
    for (size_t i = 0; i < n; ++i) text += (i ? " " : "") + words[rng_() % words.size()];
    return text;
  }

  // Valid images, each made unique by bytes after its end marker (decoders ignore them), so
  // content dedup only fires where the test repeats bytes on purpose.
  std::pair<std::string, std::string> unique_image(int n) {
    static const std::vector<std::pair<std::string, std::string>> bases = {
        {"rgb.jpg", "jpg"}, {"rgb.png", "png"}, {"grey.jpg", "jpg"}, {"cmyk.jpg", "jpg"}, {"alpha.png", "png"}};
    const auto& [file, ext] = bases[static_cast<size_t>(n) % bases.size()];
    return {file_bytes(images_ / file) + "vlforge-test-" + std::to_string(n), ext};
  }

  void plan() {
    int n = 0;
    for (int s = 0; s < 4; ++s) {
      auto& shard = shards_.emplace_back();
      for (int i = 0; i < 40; ++i, ++n) {
        Planned p;
        char key[16];
        std::snprintf(key, sizeof key, "%02d%04d", s, i);
        p.key = key;
        p.uid = next_uid();
        p.caption = caption();
        std::tie(p.image, p.ext) = unique_image(n);
        shard.push_back(p);
      }
    }
    // One WebP and one PPM (formats whose length is in their header, so they get no suffix).
    shards_[0][10].image = file_bytes(images_ / "rgb.webp"), shards_[0][10].ext = "webp";
    shards_[0][11].image = file_bytes(images_ / "rgb.ppm"), shards_[0][11].ext = "ppm";
    // Deliberate duplicates: the same image bytes under a new uid, and a repeated uid.
    shards_[2][5].image = shards_[0][7].image;
    shards_[2][5].ext = shards_[0][7].ext;
    shards_[2][6].uid = shards_[0][8].uid;

    // Dirt, all in shard 1.
    auto& d = shards_[1];
    d[1].image.clear(), d[1].reason = "empty image";
    d[2].image = file_bytes(images_ / "garbage.png"), d[2].ext = "png", d[2].reason = "corrupt image";
    d[3].image = file_bytes(images_ / "tiny.png"), d[3].ext = "png", d[3].reason = "image too small";
    d[4].image = text_of(png_claiming_size(20000, 20000)), d[4].ext = "png", d[4].reason = "image too large";
    d[5].caption = "caf\xe9 au lait", d[5].reason = "caption not UTF-8";
    d[6].caption = "  ", d[6].reason = "empty caption";
    d[7].omit_txt = true, d[7].reason = "missing .txt";
    d[8].omit_json = true, d[8].reason = "missing .json";
  }

  void write_shards() {
    for (size_t s = 0; s < shards_.size(); ++s) {
      std::vector<std::pair<std::string, std::string>> entries;
      for (const Planned& p : shards_[s]) {
        entries.emplace_back(p.key + "." + p.ext, p.image);
        if (!p.omit_txt) entries.emplace_back(p.key + ".txt", p.caption);
        if (!p.omit_json) entries.emplace_back(p.key + ".json", nlohmann::json{{"uid", p.uid}}.dump());
        if (s == 1 && p.key == shards_[1][9].key) entries.emplace_back("../../x", "escape attempt");
      }
      const fs::path tar = shard_path(s);
      TarBuilder builder(tar);
      for (const auto& [name, content] : entries) builder.file(name, content);
      builder.close();
      if (s == 3) truncate_inside_record(tar, entries, 30);
    }
  }

  // Cuts shard 3 in the middle of record `record`'s image data: the records before it survive.
  void truncate_inside_record(const fs::path& tar, const std::vector<std::pair<std::string, std::string>>& entries,
                              size_t record) {
    const auto padded = [](size_t n) { return (n + 511) / 512 * 512; };
    size_t offset = 0, seen = 0;
    std::string current;
    for (const auto& [name, content] : entries) {
      const std::string key = name.substr(0, name.find('.'));
      if (key != current) {
        current = key;
        if (seen++ == record) {
          fs::resize_file(tar, offset + 512 + content.size() / 2);
          truncated_from_ = record;
          return;
        }
      }
      offset += 512 + padded(content.size());
    }
    FAIL() << "shard 3 has no record " << record;
  }

  fs::path shard_path(size_t s) const { return dir_ / "data" / ("part-000" + std::to_string(s) + ".tar"); }

  // The records the reader must yield, in stream order.
  std::vector<const Planned*> readable() const {
    std::vector<const Planned*> out;
    for (size_t s = 0; s < shards_.size(); ++s)
      for (size_t i = 0; i < shards_[s].size(); ++i) {
        if (s == 3 && i >= truncated_from_) break;
        if (shards_[s][i].reason.empty()) out.push_back(&shards_[s][i]);
      }
    return out;
  }

  std::string recipe(const fs::path& npy, int64_t per_shard) const {
    return "[run]\ndir = \"" + (dir_ / "run").string() +
           "\"\n"
           "[components.data]\nuse = \"dataset/webdataset\"\nshards = \"" +
           (dir_ / "data").string() +
           "/part-{0000..0003}.tar\"\n"
           "[components.keep]\nuse = \"selector/intersection\"\nof = [\n"
           "  { use = \"selector/threshold\", score = \"caption_quality\", min = 50.0 },\n"
           "  { use = \"selector/uid-list\", path = \"" +
           npy.string() +
           "\" },\n"
           "  { use = \"selector/dedup\", by = \"content\" },\n]\n"
           "[[stage]]\nname = \"quality\"\nuse = \"stage/score\"\ndata = \"data\"\n"
           "scorer = { use = \"scorer/caption-heuristics\" }\n"
           "[[stage]]\nname = \"filter\"\nuse = \"stage/filter\"\nscores = \"quality\"\ndata = \"data\"\n"
           "selector = \"keep\"\nsamples_per_shard = " +
           std::to_string(per_shard) + "\n";
  }

  std::mt19937_64 rng_{2024};
  fs::path dir_, images_;
  std::vector<std::vector<Planned>> shards_;
  size_t truncated_from_ = 0;
};

TEST_F(CurationPipeline, KeepsExactlyTheIndependentlySelectedSamplesAndReportsEverySkip) {
  // The DFN-style list: three quarters of the uids.
  std::vector<std::string> listed;
  for (const auto& shard : shards_)
    for (size_t i = 0; i < shard.size(); ++i)
      if (i % 4 != 3) listed.push_back(shard[i].uid);
  const fs::path npy = dir_ / "dfn_uids.npy";
  write_npy_uids(npy, listed);
  const fs::path recipe_path = dir_ / "curate.toml";
  constexpr int64_t kPerShard = 25;
  write_text(recipe_path, recipe(npy, kPerShard));

  const auto run = run_command({kVlforge, "run", recipe_path.string()});
  ASSERT_EQ(run.exit_code, 0) << run.output;

  // Scores as the score stage wrote them.
  std::map<std::string, double> quality;
  for (const auto& e : fs::directory_iterator(dir_ / "run" / "quality" / "scores")) {
    if (e.path().extension() != ".tsv") continue;
    const auto rows = read_tsv(e.path(), false);
    ASSERT_FALSE(rows.empty());
    ASSERT_EQ(rows[0][0], "uid");
    ASSERT_EQ(rows[0][1], "caption_quality");
    for (size_t r = 1; r < rows.size(); ++r) quality[rows[r][0]] = std::stod(rows[r][1]);
  }

  // The same selection, computed here: threshold AND listed AND first of its image bytes.
  const std::set<std::string> in_list(listed.begin(), listed.end());
  std::set<std::string> seen_images;
  std::vector<std::string> expected;
  const auto good = readable();
  for (const Planned* p : good) {
    ASSERT_TRUE(quality.contains(p->uid)) << "no score for " << p->key;
    const bool first_image = seen_images.insert(p->image).second;
    if (quality[p->uid] >= 50.0 && in_list.contains(p->uid) && first_image) expected.push_back(p->uid);
  }
  ASSERT_GT(expected.size(), 20u);
  ASSERT_LT(expected.size(), good.size());

  // The kept samples, read back from the new shards in order.
  std::vector<std::string> kept;
  std::vector<fs::path> out_shards;
  for (const auto& e : fs::directory_iterator(dir_ / "run" / "filter" / "shards")) out_shards.push_back(e.path());
  std::sort(out_shards.begin(), out_shards.end());
  ASSERT_EQ(out_shards.size(), (expected.size() + kPerShard - 1) / kPerShard);
  for (size_t s = 0; s < out_shards.size(); ++s) {
    WebDatasetReader reader(out_shards[s]);
    int64_t n = 0;
    for (WebDatasetRecord r; reader.next(r); ++n) {
      const auto* meta = r.file("json");
      ASSERT_NE(meta, nullptr);
      kept.push_back(nlohmann::json::parse(meta->begin(), meta->end()).at("uid").get<std::string>());
      EXPECT_NE(r.file("txt"), nullptr);
    }
    EXPECT_TRUE(reader.problems().empty());
    if (s + 1 < out_shards.size()) {
      EXPECT_EQ(n, kPerShard) << out_shards[s];
    }
  }
  EXPECT_EQ(kept, expected);

  // Every dirty record is listed with its reason; nothing else is.
  std::multiset<std::string> skipped_reasons;
  std::map<std::string, std::string> reason_by_key;
  const auto skipped = read_tsv(dir_ / "run" / "filter" / "skipped.tsv", false);
  for (size_t r = 1; r < skipped.size(); ++r) {
    skipped_reasons.insert(skipped[r][2]);
    reason_by_key[skipped[r][1]] = skipped[r][2];
  }
  for (const Planned& p : shards_[1]) {
    if (!p.reason.empty()) {
      EXPECT_EQ(reason_by_key[p.key], p.reason) << p.key;
    }
  }
  EXPECT_EQ(skipped_reasons.count("unsafe entry name"), 1u);
  EXPECT_EQ(skipped_reasons.count("truncated tar"), 1u);
  EXPECT_EQ(skipped.size() - 1, 8u + 2u);

  const auto report = nlohmann::json::parse(read_text(dir_ / "run" / "filter" / "report.json"));
  EXPECT_EQ(report["kept"].get<size_t>(), expected.size());
  EXPECT_EQ(report["total"].get<size_t>(), good.size());
  EXPECT_EQ(report["skipped"].get<size_t>(), 10u);
  EXPECT_EQ(report["skipped_by_reason"]["corrupt image"].get<int>(), 1);
}

}  // namespace
}  // namespace vlforge::test
