// stage/ingest: a folder of images with captions, or a .jsonl / .tsv list of them, becomes
// WebDataset shards of resized images that the rest of the pipeline reads; bad entries are
// skipped and listed, never fatal.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "component_factory.hpp"
#include "file_bytes.hpp"
#include "process.hpp"
#include "test_paths.hpp"
#include "tsv.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/webdataset.hpp"

namespace vlforge::test {
namespace {

namespace fs = std::filesystem;

std::string file_bytes(const fs::path& p) { return text_of(read_bytes(p)); }

class Ingest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_dir(std::string("ingest/") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    images_ = kSourceDir / "tests" / "data" / "images";
  }

  // Copies a test image; bytes after its end marker make each copy a distinct file.
  void put_image(const fs::path& to, const std::string& from, int n) {
    fs::create_directories(to.parent_path());
    write_text(to, file_bytes(images_ / from) + "copy-" + std::to_string(n));
  }

  CommandResult run(const std::string& source, int64_t per_shard) {
    const fs::path recipe = dir_ / "ingest.toml";
    write_text(recipe, "[run]\ndir = \"" + (dir_ / "run").string() +
                           "\"\n[[stage]]\nname = \"ingest\"\nuse = \"stage/ingest\"\nsource = \"" + source +
                           "\"\nimage_size = 32\nsamples_per_shard = " + std::to_string(per_shard) + "\n");
    return run_command({kVlforge, "run", recipe.string()});
  }

  // uid -> (caption, json) of every sample in the output shards, checking their image sizes.
  std::map<std::string, std::pair<std::string, nlohmann::json>> read_output(size_t expect_shards) {
    std::vector<fs::path> shards;
    for (const auto& e : fs::directory_iterator(dir_ / "run" / "ingest" / "shards"))
      if (e.path().extension() == ".tar") shards.push_back(e.path());
    EXPECT_EQ(shards.size(), expect_shards);
    ComponentMaker maker;
    auto codec = maker.make<ImageCodec>("use = \"image_codec/opencv\"");
    std::map<std::string, std::pair<std::string, nlohmann::json>> out;
    for (const auto& shard : shards) {
      WebDatasetReader reader(shard);
      for (WebDatasetRecord r; reader.next(r);) {
        const auto meta = nlohmann::json::parse(r.file("json")->begin(), r.file("json")->end());
        const auto* jpg = r.file("jpg");
        EXPECT_NE(jpg, nullptr);
        if (jpg == nullptr) continue;
        const ImageInfo info = codec->probe(*jpg);
        // img2dataset's keep-ratio resize: the shorter side becomes image_size.
        EXPECT_EQ(std::min(info.width, info.height), 32) << r.key;
        EXPECT_EQ(meta["width"].get<int64_t>(), info.width);
        const std::string caption(r.file("txt")->begin(), r.file("txt")->end());
        out[meta["uid"].get<std::string>()] = {caption, meta};
      }
    }
    return out;
  }

  fs::path dir_, images_;
};

TEST_F(Ingest, FolderBecomesShardsOfResizedImagesWithUidsAndSkipsBadEntries) {
  const fs::path src = dir_ / "photos";
  for (int i = 0; i < 23; ++i) {
    const fs::path img = src / (i % 2 ? "a" : "b") / ("img" + std::to_string(i) + (i % 3 ? ".jpg" : ".png"));
    put_image(img, i % 3 ? "rgb.jpg" : "alpha.png", i);
    write_text(fs::path(img).replace_extension(".txt"), "a photo number " + std::to_string(i) + "\n");
  }
  put_image(src / "nocaption.jpg", "grey.jpg", 100);
  write_text(src / "broken.png", file_bytes(images_ / "garbage.png"));
  write_text(src / "broken.txt", "a broken image");
  put_image(src / "tiny.png", "tiny.png", 101);
  write_text(src / "tiny.txt", "too small to learn from");

  const auto r = run(src.string(), 10);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto samples = read_output(3);  // 26 entries, 10 per shard
  EXPECT_EQ(samples.size(), 23u);
  std::set<std::string> captions;
  for (const auto& [uid, s] : samples) {
    EXPECT_EQ(uid.size(), 32u);
    EXPECT_EQ(uid.find_first_not_of("0123456789abcdef"), std::string::npos) << uid;
    captions.insert(s.first);
    EXPECT_TRUE(s.second.contains("original_width"));
  }
  EXPECT_TRUE(captions.contains("a photo number 7"));

  const auto skipped = read_tsv(dir_ / "run" / "ingest" / "skipped.tsv", true);
  std::map<std::string, std::string> reasons;
  for (const auto& row : skipped) reasons[row[1]] = row[2];
  EXPECT_EQ(reasons.size(), 3u);
  EXPECT_EQ(reasons["nocaption.jpg"], "missing .txt");
  EXPECT_EQ(reasons["broken.png"], "corrupt image");
  EXPECT_EQ(reasons["tiny.png"], "image too small");
  const auto report = nlohmann::json::parse(read_text(dir_ / "run" / "ingest" / "ingest_report.json"));
  EXPECT_EQ(report["inputs"].get<int>(), 26);
  EXPECT_EQ(report["written"].get<int>(), 23);
}

TEST_F(Ingest, JsonlListWithRelativePathsAndOwnUids) {
  std::string list;
  for (int i = 0; i < 5; ++i) {
    put_image(dir_ / "list" / "img" / (std::to_string(i) + ".jpg"), "rgb.jpg", i);
    list += nlohmann::json{{"image", "img/" + std::to_string(i) + ".jpg"},
                           {"caption", "caption " + std::to_string(i)},
                           {"uid", std::string(31, '0') + std::to_string(i)}}
                .dump() +
            "\n";
  }
  list += "{not json\n";
  list += nlohmann::json{{"image", "img/absent.jpg"}, {"caption", "gone"}}.dump() + "\n";
  write_text(dir_ / "list" / "pairs.jsonl", list);

  const auto r = run((dir_ / "list" / "pairs.jsonl").string(), 100);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto samples = read_output(1);
  ASSERT_EQ(samples.size(), 5u);
  EXPECT_EQ(samples.at(std::string(31, '0') + "3").first, "caption 3");
  const auto skipped = read_tsv(dir_ / "run" / "ingest" / "skipped.tsv", true);
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped[0][1], "pairs.jsonl:6");
  EXPECT_EQ(skipped[0][2], "invalid list entry");
  EXPECT_EQ(skipped[1][2], "missing image");
}

TEST_F(Ingest, AMissingSourceIsAClearError) {
  const auto r = run((dir_ / "nowhere").string(), 10);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("nowhere: does not exist (give a folder of images, or a .jsonl or .tsv list)"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace vlforge::test
