// dataset/webdataset: shard lists from brace patterns, and every kind of bad record skipped with
// its fixed reason while the good records around it still come out.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "component_factory.hpp"
#include "error_text.hpp"
#include "forged_png.hpp"
#include "shard_bytes.hpp"
#include "tar_builder.hpp"
#include "test_paths.hpp"
#include "vlforge/interfaces/dataset.hpp"
#include "vlforge/webdataset.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

// Whether a plugin in the build tree provides `use` (from the manifests the build writes).
bool component_built(const std::string& use) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kPluginDir, ec)) {
    if (e.path().extension() != ".json") continue;
    const auto manifest = nlohmann::json::parse(read_text(e.path()), nullptr, false);
    if (manifest.is_discarded() || !manifest.contains("components")) continue;
    for (const auto& c : manifest["components"])
      if (c == use) return true;
  }
  return false;
}

// The dataset's default codec; every test creates the dataset through the recipe path.
#define REQUIRE_OPENCV_CODEC() \
  if (!component_built("image_codec/opencv")) GTEST_SKIP() << "image_codec/opencv is not built yet"

std::shared_ptr<Dataset> make_dataset(const std::string& shards, const std::string& extra = "") {
  static ComponentMaker maker;
  return maker.make<Dataset>("use = \"dataset/webdataset\"\nshards = \"" + shards + "\"\n" + extra);
}

struct Stream {
  std::vector<Sample> samples;
  std::vector<SkippedRecord> skipped;

  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& s : samples) out.push_back(s.key);
    return out;
  }
  // (key, reason) of the skipped records that have a key, in stream order.
  std::vector<std::pair<std::string, std::string>> record_skips() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& s : skipped)
      if (!s.key.empty()) out.emplace_back(s.key, s.reason);
    return out;
  }
  const SkippedRecord& skip_of(const std::string& key) const {
    for (const auto& s : skipped)
      if (s.key == key) return s;
    throw std::runtime_error("no skipped record " + key);
  }
};

Stream read_shard(const Dataset& data, const std::string& shard) {
  Stream out;
  const auto reader = data.open(shard);
  for (Sample s; reader->next(s);) out.samples.push_back(s);
  out.skipped = reader->skipped();
  return out;
}

using Files = std::vector<std::pair<std::string, std::vector<uint8_t>>>;

std::vector<uint8_t> uid_json(const std::string& uid) { return bytes_of(R"({"uid":")" + uid + R"("})"); }

// A record with the given image (by test image name and extension), a caption and a json uid.
Files good_files(const std::string& image, const std::string& ext, const std::string& uid) {
  return {{ext, test_image(image)}, {"txt", bytes_of("a picture of " + image)}, {"json", uid_json(uid)}};
}

void add(TarBuilder& tar, const std::string& key, const Files& files) {
  for (const auto& [ext, bytes] : files) tar.file(key + "." + ext, bytes);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(WebDatasetDataset, EveryBadRecordIsSkippedWithItsReason) {
  REQUIRE_OPENCV_CODEC();
  const fs::path dir = fresh_dir("webdataset/dataset_dirty");
  const fs::path shard = dir / "dirty.tar";
  const std::vector<uint8_t> rgb = test_image("rgb.jpg");
  {
    TarBuilder tar(shard);
    add(tar, "g01", {{"jpg", rgb}, {"txt", bytes_of("a gradient")}, {"json", bytes_of(R"({"uid":"u01","w":64})")}});
    add(tar, "m02", {{"txt", bytes_of("no image")}, {"json", uid_json("u02")}});
    add(tar, "e03", good_files("empty.jpg", "jpg", "u03"));
    add(tar, "c04", good_files("garbage.png", "png", "u04"));
    add(tar, "s05", good_files("tiny.png", "png", "u05"));
    add(tar, "l06", {{"png", png_claiming_size(20000, 20000)}, {"txt", bytes_of("huge")}, {"json", uid_json("u06")}});
    add(tar, "t07", {{"jpg", rgb}, {"json", uid_json("u07")}});
    add(tar, "u08", {{"jpg", rgb}, {"txt", bytes_of("caf\xe9 latin-1")}, {"json", uid_json("u08")}});
    add(tar, "w09", {{"jpg", rgb}, {"txt", bytes_of(" \t\n")}, {"json", uid_json("u09")}});
    add(tar, "w10", {{"jpg", rgb}, {"txt", bytes_of("")}, {"json", uid_json("u10")}});
    add(tar, "j11", {{"jpg", rgb}, {"txt", bytes_of("no json")}});
    add(tar, "i12", {{"jpg", rgb}, {"txt", bytes_of("bad json")}, {"json", bytes_of("{uid:")}});
    add(tar, "a13", {{"jpg", rgb}, {"txt", bytes_of("array json")}, {"json", bytes_of("[1]")}});
    add(tar, "n14", {{"jpg", rgb}, {"txt", bytes_of("no uid")}, {"json", bytes_of(R"({"url":"x"})")}});
    add(tar, "n15", {{"jpg", rgb}, {"txt", bytes_of("number uid")}, {"json", bytes_of(R"({"uid":15})")}});
    add(tar, "n16", {{"jpg", rgb}, {"txt", bytes_of("empty uid")}, {"json", bytes_of(R"({"uid":""})")}});
    tar.file("../../x", "escape");
    tar.symlink("v17.jpg", "/etc/passwd");
    add(tar, "v17", {{"txt", bytes_of("linked image")}, {"json", uid_json("u17")}});
    // Odd but valid images are kept.
    add(tar, "g18", good_files("grey.jpg", "jpg", "u18"));
    add(tar, "g19", good_files("cmyk.jpg", "jpg", "u19"));
    add(tar, "g20", good_files("alpha.png", "png", "u20"));
    add(tar, "g21", good_files("rgb.webp", "webp", "u21"));
    add(tar, "g22", good_files("rgb.ppm", "ppm", "u22"));
    add(tar, "g23", good_files("rgb.jpg", "jpeg", "u23"));
    add(tar, "g24", good_files("grey.png", "png", "u24"));
    tar.close();
  }
  const auto data = make_dataset(shard.string());
  const Stream s = read_shard(*data, shard.string());

  EXPECT_EQ(s.keys(), (std::vector<std::string>{"g01", "g18", "g19", "g20", "g21", "g22", "g23", "g24"}));
  EXPECT_EQ(s.record_skips(), (std::vector<std::pair<std::string, std::string>>{
                                  {"m02", "missing image"},
                                  {"e03", "empty image"},
                                  {"c04", "corrupt image"},
                                  {"s05", "image too small"},
                                  {"l06", "image too large"},
                                  {"t07", "missing .txt"},
                                  {"u08", "caption not UTF-8"},
                                  {"w09", "empty caption"},
                                  {"w10", "empty caption"},
                                  {"j11", "missing .json"},
                                  {"i12", "invalid .json"},
                                  {"a13", "invalid .json"},
                                  {"n14", "missing uid"},
                                  {"n15", "missing uid"},
                                  {"n16", "missing uid"},
                                  {"v17", "missing image"},
                              }));
  // Entries that belong to no record come before the verdict on the record being read.
  ASSERT_EQ(s.skipped.size(), 18u);
  std::vector<SkippedRecord> keyless;
  for (const auto& k : s.skipped)
    if (k.key.empty()) keyless.push_back(k);
  ASSERT_EQ(keyless.size(), 2u);
  EXPECT_EQ(keyless[0].reason, "unsafe entry name");
  EXPECT_EQ(keyless[0].detail, "'../../x': '..' component");
  EXPECT_EQ(keyless[1].reason, "not a regular file");
  EXPECT_EQ(keyless[1].detail, "'v17.jpg': symbolic link");

  EXPECT_EQ(s.skip_of("m02").detail, "no .jpg, .jpeg, .png, .webp, .ppm, .bmp file; record has .txt, .json");
  EXPECT_EQ(s.skip_of("e03").detail, "e03.jpg is 0 bytes");
  EXPECT_TRUE(s.skip_of("c04").detail.starts_with("c04.png: ")) << s.skip_of("c04").detail;
  EXPECT_TRUE(contains(s.skip_of("s05").detail, "1x1 pixels")) << s.skip_of("s05").detail;
  EXPECT_TRUE(contains(s.skip_of("s05").detail, "min side 10")) << s.skip_of("s05").detail;
  EXPECT_TRUE(contains(s.skip_of("l06").detail, "20000x20000 pixels")) << s.skip_of("l06").detail;
  EXPECT_TRUE(contains(s.skip_of("l06").detail, "89478485")) << s.skip_of("l06").detail;
  EXPECT_EQ(s.skip_of("t07").detail, "record has .jpg, .json");
  EXPECT_EQ(s.skip_of("u08").detail, "u08.txt (12 bytes) is not well-formed UTF-8");
  EXPECT_EQ(s.skip_of("w09").detail, "w09.txt holds only whitespace (3 bytes)");
  EXPECT_EQ(s.skip_of("w10").detail, "w10.txt is empty");
  EXPECT_EQ(s.skip_of("j11").detail, "record has .jpg, .txt");
  EXPECT_TRUE(s.skip_of("i12").detail.starts_with("i12.json: ")) << s.skip_of("i12").detail;
  EXPECT_TRUE(contains(s.skip_of("i12").detail, "parse error")) << s.skip_of("i12").detail;
  EXPECT_EQ(s.skip_of("a13").detail, "not a JSON object but array");
  EXPECT_EQ(s.skip_of("n14").detail, "no \"uid\" key in n14.json");
  EXPECT_EQ(s.skip_of("n15").detail, "\"uid\" is a number, not a string");
  EXPECT_EQ(s.skip_of("n16").detail, "\"uid\" is the empty string");

  const auto counts = count_by_reason(s.skipped);
  EXPECT_EQ(counts.at("missing uid"), 3);
  EXPECT_EQ(counts.at("missing image"), 2);

  // The sample carries the record's bytes as they were.
  const Sample& g01 = s.samples[0];
  EXPECT_EQ(g01.uid, "u01");
  EXPECT_EQ(g01.text, "a gradient");
  EXPECT_EQ(g01.image, rgb);
  EXPECT_EQ(g01.image_format, "jpg");
  EXPECT_EQ(g01.json, R"({"uid":"u01","w":64})");
  EXPECT_EQ(s.samples[4].image_format, "webp");
  EXPECT_EQ(s.samples[6].key, "g23");
  EXPECT_EQ(s.samples[6].image_format, "jpg");
  EXPECT_EQ(s.samples[6].uid, "u23");

  // The hint counts records from the headers, bad ones included: 17 up to v17, then 7 good ones.
  EXPECT_EQ(data->shard_size_hint(shard.string()), 24);
}

TEST(WebDatasetDataset, DecodeCatchesCorruptImageDataThatHeadersMiss) {
  REQUIRE_OPENCV_CODEC();
  const fs::path dir = fresh_dir("webdataset/dataset_decode");
  const fs::path shard = dir / "s.tar";
  {
    TarBuilder tar(shard);
    add(tar, "0001", good_files("rgb.jpg", "jpg", "u1"));
    add(tar, "0002", good_files("truncated.jpg", "jpg", "u2"));
    add(tar, "0003", good_files("rgb.png", "png", "u3"));
    tar.close();
  }
  const Stream header = read_shard(*make_dataset(shard.string()), shard.string());
  EXPECT_EQ(header.keys(), (std::vector<std::string>{"0001", "0002", "0003"}));
  EXPECT_TRUE(header.skipped.empty());

  const Stream decoded = read_shard(*make_dataset(shard.string(), "check_images = \"decode\""), shard.string());
  EXPECT_EQ(decoded.keys(), (std::vector<std::string>{"0001", "0003"}));
  EXPECT_EQ(decoded.record_skips(), (std::vector<std::pair<std::string, std::string>>{{"0002", "corrupt image"}}));
}

TEST(WebDatasetDataset, CheckNoneLeavesImagesUnexaminedButStillSkipsEmptyOnes) {
  REQUIRE_OPENCV_CODEC();
  const fs::path dir = fresh_dir("webdataset/dataset_none");
  const fs::path shard = dir / "s.tar";
  {
    TarBuilder tar(shard);
    add(tar, "0001", good_files("garbage.png", "png", "u1"));
    add(tar, "0002", good_files("tiny.png", "png", "u2"));
    add(tar, "0003", good_files("empty.jpg", "jpg", "u3"));
    tar.close();
  }
  const Stream s = read_shard(*make_dataset(shard.string(), "check_images = \"none\""), shard.string());
  EXPECT_EQ(s.keys(), (std::vector<std::string>{"0001", "0002"}));
  EXPECT_EQ(s.record_skips(), (std::vector<std::pair<std::string, std::string>>{{"0003", "empty image"}}));
}

TEST(WebDatasetDataset, ConfiguredExtensionsAndTextOnlyRecords) {
  REQUIRE_OPENCV_CODEC();
  const fs::path dir = fresh_dir("webdataset/dataset_options");
  const fs::path shard = dir / "s.tar";
  {
    TarBuilder tar(shard);
    tar.file("0001.png", test_image("rgb.png"))
        .file("0001.caption", "png with caption")
        .file("0001.json", uid_json("u1"));
    tar.file("0002.caption", "text only").file("0002.json", uid_json("u2"));
    tar.file("0003.jpg", test_image("rgb.jpg"))
        .file("0003.caption", "jpg, not wanted")
        .file("0003.json", uid_json("u3"));
    tar.file("0004.png", test_image("rgb.png"))
        .file("0004.txt", "wrong caption file")
        .file("0004.json", uid_json("u4"));
    tar.close();
  }
  const auto data =
      make_dataset(shard.string(), "caption = \"caption\"\nimage_extensions = [\"png\"]\nrequire_image = false");
  const Stream s = read_shard(*data, shard.string());
  // Without require_image a record whose only image is of another extension becomes text-only.
  ASSERT_EQ(s.keys(), (std::vector<std::string>{"0001", "0002", "0003"}));
  EXPECT_EQ(s.samples[0].text, "png with caption");
  EXPECT_EQ(s.samples[0].image_format, "png");
  EXPECT_TRUE(s.samples[1].image.empty());
  EXPECT_EQ(s.samples[1].image_format, "");
  EXPECT_TRUE(s.samples[2].image.empty());
  EXPECT_EQ(s.record_skips(), (std::vector<std::pair<std::string, std::string>>{{"0004", "missing .caption"}}));

  const Stream strict =
      read_shard(*make_dataset(shard.string(), "caption = \"caption\"\nimage_extensions = [\"png\"]"), shard.string());
  EXPECT_EQ(strict.keys(), (std::vector<std::string>{"0001"}));
  EXPECT_EQ(strict.skip_of("0003").detail, "no .png file; record has .jpg, .caption, .json");
}

TEST(WebDatasetDataset, TruncatedShardYieldsTheRecordsBeforeTheDamage) {
  REQUIRE_OPENCV_CODEC();
  const fs::path dir = fresh_dir("webdataset/dataset_truncated");
  {
    WebDatasetWriter w(dir / "whole.tar");
    for (const std::string key : {"0001", "0002", "0003", "0004"}) {
      Sample s;
      s.key = key;
      s.uid = "u" + key;
      s.text = "caption " + key;
      s.image = test_image("rgb.png");
      s.image_format = "png";
      w.write(s);
    }
    w.close();
  }
  const size_t at = tar_header_offset(read_bytes(dir / "whole.tar"), "0003.png");
  write_cut(dir / "whole.tar", at + 512 + 100, dir / "cut.tar");
  const std::string shard = (dir / "cut.tar").string();
  const Stream s = read_shard(*make_dataset(shard), shard);
  EXPECT_EQ(s.keys(), (std::vector<std::string>{"0001", "0002"}));
  ASSERT_EQ(s.skipped.size(), 1u);
  EXPECT_EQ(s.skipped[0].key, "0003");
  EXPECT_EQ(s.skipped[0].reason, "truncated tar");
  EXPECT_TRUE(contains(s.skipped[0].detail, "byte " + std::to_string(at))) << s.skipped[0].detail;
}

TEST(WebDatasetDataset, ShardsComeFromTheBracePatternInOrder) {
  REQUIRE_OPENCV_CODEC();
  const fs::path dir = fresh_dir("webdataset/dataset_shards");
  for (int i = 0; i < 3; ++i) {
    WebDatasetWriter w(dir / ("shard-" + std::to_string(i) + ".tar"));
    for (int k = 0; k <= i; ++k) {
      Sample s;
      s.key = std::to_string(k);
      s.uid = std::to_string(i) + "-" + std::to_string(k);
      s.text = "t";
      s.image = test_image("rgb.png");
      s.image_format = "png";
      w.write(s);
    }
    w.close();
  }
  const std::string base = (dir / "shard-").string();
  const auto data = make_dataset(base + "{2,0,1}.tar");
  EXPECT_EQ(data->shards(), (std::vector<std::string>{base + "2.tar", base + "0.tar", base + "1.tar"}));
  EXPECT_EQ(data->shard_size_hint(base + "2.tar"), 3);
  EXPECT_EQ(data->shard_size_hint(base + "0.tar"), 1);
  EXPECT_EQ(data->shard_size_hint(base + "9.tar"), -1);
  EXPECT_EQ(read_shard(*data, base + "1.tar").samples.size(), 2u);
  EXPECT_EQ(error_of([&] { data->open(base + "9.tar"); }),
            "dataset/webdataset: no shard '" + base + "9.tar' in '" + base + "{2,0,1}.tar'");

  // A folder gives its .tar files in name order; a .txt list its lines, relative to the list.
  EXPECT_EQ(make_dataset(dir.string())->shards(), (std::vector<std::string>{base + "0.tar", base + "1.tar", base + "2.tar"}));
  write_text(dir / "list.txt", "shard-1.tar\n\n" + base + "0.tar\n");
  EXPECT_EQ(make_dataset((dir / "list.txt").string())->shards(), (std::vector<std::string>{base + "1.tar", base + "0.tar"}));
  write_text(dir / "empty.txt", "");
  EXPECT_TRUE(contains(error_of([&] { make_dataset((dir / "empty.txt").string()); }), "is empty"));
  const fs::path bare = fresh_dir("webdataset/dataset_no_tars");
  EXPECT_TRUE(contains(error_of([&] { make_dataset(bare.string()); }), "holds no .tar shards"));
}

TEST(WebDatasetDataset, MissingShardsAreErrorsNamingThem) {
  REQUIRE_OPENCV_CODEC();
  const fs::path dir = fresh_dir("webdataset/dataset_missing");
  {
    WebDatasetWriter w(dir / "0.tar");
    w.close();
  }
  const std::string pattern = (dir / "{0..3}.tar").string();
  EXPECT_EQ(error_of([&] { make_dataset(pattern); }), "dataset/webdataset: shard '" + (dir / "1.tar").string() +
                                                          "' of '" + pattern + "' does not exist (3 of 4 missing)");
  const std::string none = (dir / "x-{a,b}.tar").string();
  const std::string e = error_of([&] { make_dataset(none); });
  EXPECT_TRUE(e.starts_with("dataset/webdataset: no file matches shards '" + none + "' (it names 2 files, none exists"))
      << e;
  EXPECT_TRUE(contains(error_of([&] { make_dataset(dir.string() + "/{0,1.tar"); }), "is never closed"));
}

TEST(WebDatasetDataset, CodecDefaultsToOpenCv) {
  REQUIRE_OPENCV_CODEC();
  ComponentMaker maker;
  const ComponentSpec spec = maker.spec("use = \"dataset/webdataset\"\nshards = \"x.tar\"", "dataset");
  const Value* codec = spec.config.find("codec");
  ASSERT_NE(codec, nullptr);
  ASSERT_NE(codec->find("use"), nullptr);
  EXPECT_EQ(codec->find("use")->as_string(), "image_codec/opencv");
  EXPECT_EQ(spec.config.find("check_images")->as_string(), "header");
  EXPECT_EQ(spec.config.find("max_image_pixels")->as_int(), 89478485);
}

}  // namespace
}  // namespace vlforge::test
