// WebDatasetWriter and ShardedWebDatasetWriter: what they write reads back through
// WebDatasetReader, GNU tar and Python's tarfile; output is byte-reproducible and appears only
// complete.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "error_text.hpp"
#include "process.hpp"
#include "shard_bytes.hpp"
#include "test_paths.hpp"
#include "vlforge/webdataset.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

std::vector<Sample> two_samples() {
  Sample a;
  a.key = "0001";
  a.uid = "a0000000000000000000000000000001";
  a.text = "a red circle above a blue square";
  a.image = test_image("rgb.jpg");
  a.image_format = "jpg";
  a.json = R"({"source":"web","uid":"stale","width":64})";
  Sample b;
  b.key = "part/0002";
  b.uid = "b0000000000000000000000000000002";
  b.text = "caf\xc3\xa9 au lait";
  b.image = test_image("alpha.png");
  b.image_format = "png";
  return {a, b};
}

fs::path write_shard(const fs::path& tar, const std::vector<Sample>& samples) {
  WebDatasetWriter w(tar);
  for (const auto& s : samples) w.write(s);
  w.close();
  return tar;
}

std::vector<WebDatasetRecord> read_all(const fs::path& tar, std::vector<SkippedRecord>* problems = nullptr) {
  WebDatasetReader in(tar);
  std::vector<WebDatasetRecord> out;
  for (WebDatasetRecord r; in.next(r);) out.push_back(r);
  if (problems) *problems = in.problems();
  return out;
}

std::vector<std::string> extensions(const WebDatasetRecord& r) {
  std::vector<std::string> out;
  for (const auto& [ext, bytes] : r.files) out.push_back(ext);
  return out;
}

TEST(WebDatasetWriter, SamplesRoundTripThroughTheReader) {
  const fs::path dir = fresh_dir("webdataset/round_trip");
  const auto samples = two_samples();
  std::vector<SkippedRecord> problems;
  const auto records = read_all(write_shard(dir / "shard.tar", samples), &problems);

  EXPECT_TRUE(problems.empty());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].key, "0001");
  EXPECT_EQ(extensions(records[0]), (std::vector<std::string>{"jpg", "txt", "json"}));
  EXPECT_EQ(*records[0].file("jpg"), samples[0].image);
  EXPECT_EQ(text_of(*records[0].file("txt")), samples[0].text);
  // The uid replaces the stale one in place; the other keys keep their order.
  EXPECT_EQ(text_of(*records[0].file("json")),
            R"({"source":"web","uid":"a0000000000000000000000000000001","width":64})");

  EXPECT_EQ(records[1].key, "part/0002");
  EXPECT_EQ(extensions(records[1]), (std::vector<std::string>{"png", "txt", "json"}));
  EXPECT_EQ(*records[1].file("png"), samples[1].image);
  EXPECT_EQ(text_of(*records[1].file("txt")), "caf\xc3\xa9 au lait");
  EXPECT_EQ(text_of(*records[1].file("json")), R"({"uid":"b0000000000000000000000000000002"})");
  EXPECT_EQ(records[1].file("jpg"), nullptr);
}

TEST(WebDatasetWriter, TextOnlySampleHasNoImageEntry) {
  const fs::path dir = fresh_dir("webdataset/text_only");
  Sample s;
  s.key = "0001";
  s.uid = "u1";
  s.text = "no picture";
  const auto records = read_all(write_shard(dir / "shard.tar", {s}));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(extensions(records[0]), (std::vector<std::string>{"txt", "json"}));
}

TEST(WebDatasetWriter, RecordsRoundTripInTheirFileOrder) {
  const fs::path dir = fresh_dir("webdataset/records");
  {
    WebDatasetWriter w(dir / "shard.tar");
    w.write(WebDatasetRecord{"a/0001",
                             {{"seg.png", bytes_of("mask")}, {"txt", bytes_of("x")}, {"cls", bytes_of("3")}}});
    w.write(WebDatasetRecord{"a/0002", {{"txt", bytes_of("")}}});
    EXPECT_EQ(w.records(), 2);
    w.close();
  }
  const auto records = read_all(dir / "shard.tar");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(extensions(records[0]), (std::vector<std::string>{"seg.png", "txt", "cls"}));
  EXPECT_EQ(text_of(*records[0].file("seg.png")), "mask");
  EXPECT_EQ(records[1].key, "a/0002");
  ASSERT_NE(records[1].file("txt"), nullptr);
  EXPECT_TRUE(records[1].file("txt")->empty());
}

TEST(WebDatasetWriter, OutputIsByteReproducible) {
  const fs::path dir = fresh_dir("webdataset/reproducible");
  write_shard(dir / "first.tar", two_samples());
  write_shard(dir / "second.tar", two_samples());
  const auto first = read_bytes(dir / "first.tar");
  EXPECT_EQ(first, read_bytes(dir / "second.tar"));
  EXPECT_EQ(first.size() % 512, 0u);
}

TEST(WebDatasetWriter, ShardAppearsOnlyWhenClosed) {
  const fs::path dir = fresh_dir("webdataset/atomic");
  const fs::path tar = dir / "shard.tar";
  {
    WebDatasetWriter w(tar);
    w.write(two_samples()[0]);
    EXPECT_FALSE(fs::exists(tar));
    EXPECT_TRUE(fs::exists(dir / "shard.tar.tmp"));
    w.close();
    EXPECT_TRUE(fs::exists(tar));
    EXPECT_FALSE(fs::exists(dir / "shard.tar.tmp"));
    EXPECT_NE(error_of([&] { w.write(two_samples()[1]); }), "");
  }
  EXPECT_EQ(read_all(tar).size(), 1u);
}

TEST(WebDatasetWriter, AbandonedShardLeavesNothing) {
  const fs::path dir = fresh_dir("webdataset/abandoned");
  {
    WebDatasetWriter w(dir / "shard.tar");
    w.write(two_samples()[0]);
  }
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(WebDatasetWriter, RefusesKeysThatWouldNotReadBack) {
  const fs::path dir = fresh_dir("webdataset/bad_keys");
  WebDatasetWriter w(dir / "shard.tar");
  auto with_key = [](std::string key) {
    Sample s = two_samples()[0];
    s.key = std::move(key);
    return s;
  };
  const std::string where = (dir / "shard.tar").string() + ": ";
  EXPECT_EQ(error_of([&] { w.write(with_key("../x")); }),
            where + "key '../x' is not a safe entry name ('..' component)");
  EXPECT_EQ(error_of([&] { w.write(with_key("/abs/0001")); }),
            where + "key '/abs/0001' is not a safe entry name (absolute path)");
  EXPECT_EQ(error_of([&] { w.write(with_key("a\\b")); }),
            where + "key 'a\\x5cb' is not a safe entry name (backslash)");
  EXPECT_EQ(error_of([&] { w.write(with_key("")); }), where + "key '' is not a safe entry name (empty name)");
  EXPECT_EQ(error_of([&] { w.write(with_key("img.0001")); }),
            where + "key 'img.0001' must end in a non-empty name without '.' "
                    "(readers split KEY.EXTENSION at the first dot)");
  w.write(with_key("0001"));
  EXPECT_EQ(error_of([&] { w.write(with_key("0001")); }),
            where + "key '0001' written twice in a row (readers would merge the two into one record)");
  Sample no_uid = with_key("0002");
  no_uid.uid.clear();
  EXPECT_EQ(error_of([&] { w.write(no_uid); }), where + "sample '0002' has no uid (readers skip records without one)");
  Sample bad_json = with_key("0003");
  bad_json.json = "[1, 2]";
  EXPECT_EQ(error_of([&] { w.write(bad_json); }), where + "sample '0003': json is not a JSON object");
  EXPECT_EQ(error_of([&] { w.write(WebDatasetRecord{"0004", {{"txt", {}}, {"TXT", {}}}}); }),
            where + "record '0004' has two .txt files");
  EXPECT_EQ(w.records(), 1);
}

TEST(WebDatasetWriter, GnuTarListsAndExtractsTheShard) {
  const fs::path dir = fresh_dir("webdataset/gnu_tar_reads");
  const fs::path tar = write_shard(dir / "shard.tar", two_samples());
  const auto list = run_command({"tar", "-tf", tar.string()});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_EQ(list.output,
            "0001.jpg\n0001.txt\n0001.json\npart/0002.png\npart/0002.txt\npart/0002.json\n");
  const auto verbose = run_command({"tar", "--numeric-owner", "-tvf", tar.string(), "0001.txt"}, {"TZ=UTC"});
  ASSERT_EQ(verbose.exit_code, 0) << verbose.output;
  EXPECT_TRUE(verbose.output.starts_with("-rw-r--r-- 0/0")) << verbose.output;
  EXPECT_NE(verbose.output.find("1970-01-01 00:00 0001.txt"), std::string::npos) << verbose.output;
  const auto caption = run_command({"tar", "-xOf", tar.string(), "part/0002.txt"});
  ASSERT_EQ(caption.exit_code, 0);
  EXPECT_EQ(caption.output, "caf\xc3\xa9 au lait");
}

TEST(WebDatasetWriter, PythonTarfileReadsTheShard) {
  const fs::path dir = fresh_dir("webdataset/python_reads");
  const auto samples = two_samples();
  const fs::path tar = write_shard(dir / "shard.tar", samples);
  // Contents go to numbered files: entry names are never used as paths, in tests either.
  const std::string script =
      "import sys, tarfile\n"
      "with tarfile.open(sys.argv[1]) as t:\n"
      "    for i, m in enumerate(t.getmembers()):\n"
      "        print(m.name, m.size, oct(m.mode), m.mtime, m.uid, m.gid, m.isreg())\n"
      "        open('%s/%d' % (sys.argv[2], i), 'wb').write(t.extractfile(m).read())\n";
  const fs::path out = dir / "extracted";
  fs::create_directories(out);
  const auto r = run_command({"/usr/bin/python3", "-c", script, tar.string(), out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string json0 = R"({"source":"web","uid":"a0000000000000000000000000000001","width":64})";
  EXPECT_EQ(r.output, "0001.jpg " + std::to_string(samples[0].image.size()) + " 0o644 0 0 0 True\n" +
                          "0001.txt " + std::to_string(samples[0].text.size()) + " 0o644 0 0 0 True\n" +
                          "0001.json " + std::to_string(json0.size()) + " 0o644 0 0 0 True\n" +
                          "part/0002.png " + std::to_string(samples[1].image.size()) + " 0o644 0 0 0 True\n" +
                          "part/0002.txt " + std::to_string(samples[1].text.size()) + " 0o644 0 0 0 True\n" +
                          "part/0002.json 42 0o644 0 0 0 True\n");
  EXPECT_EQ(read_bytes(out / "0"), samples[0].image);
  EXPECT_EQ(text_of(read_bytes(out / "2")), json0);
  EXPECT_EQ(read_bytes(out / "3"), samples[1].image);
  EXPECT_EQ(text_of(read_bytes(out / "4")), samples[1].text);
}

TEST(WebDatasetWriter, LongKeysUsePaxHeadersThatOtherToolsRead) {
  const fs::path dir = fresh_dir("webdataset/long_key");
  Sample s = two_samples()[0];
  s.key = std::string(120, 'k') + "/" + std::string(150, 'n');
  const fs::path tar = write_shard(dir / "shard.tar", {s});
  const auto records = read_all(tar);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, s.key);
  const auto list = run_command({"tar", "-tf", tar.string()});
  EXPECT_EQ(list.output, s.key + ".jpg\n" + s.key + ".txt\n" + s.key + ".json\n");
  const auto py = run_command({"/usr/bin/python3", "-c",
                               "import sys, tarfile\nprint(tarfile.open(sys.argv[1]).getnames()[2])", tar.string()});
  EXPECT_EQ(py.output, s.key + ".json\n");
}

TEST(WebDatasetWriter, NonAsciiKeysAreWrittenAsUtf8PaxPaths) {
  const fs::path dir = fresh_dir("webdataset/utf8_key");
  Sample s = two_samples()[0];
  s.key = "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac";
  const fs::path tar = write_shard(dir / "shard.tar", {s});
  const auto records = read_all(tar);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, s.key);
  const std::string names = "import sys, tarfile\nprint(ascii(tarfile.open(sys.argv[1]).getnames()))";
  const auto py = run_command({"/usr/bin/python3", "-c", names, tar.string()});
  EXPECT_EQ(py.output,
            "['caf\\xe9/\\u65e5\\u672c.jpg', 'caf\\xe9/\\u65e5\\u672c.txt', 'caf\\xe9/\\u65e5\\u672c.json']\n");
  const auto list = run_command({"tar", "--quoting-style=literal", "-tf", tar.string()}, {"LC_ALL=C.UTF-8"});
  EXPECT_EQ(list.output, s.key + ".jpg\n" + s.key + ".txt\n" + s.key + ".json\n");

  WebDatasetWriter w(dir / "bad.tar");
  s.key = "bad\xff";
  EXPECT_EQ(error_of([&] { w.write(s); }), (dir / "bad.tar").string() + ": key 'bad\\xff' is not valid UTF-8");
}

TEST(ShardedWebDatasetWriter, SplitsSamplesIntoFullShards) {
  const fs::path dir = fresh_dir("webdataset/sharded") / "out";
  std::vector<Sample> samples;
  for (int i = 0; i < 5; ++i) {
    Sample s = two_samples()[i % 2];
    s.key = "k" + std::to_string(i);
    s.uid = "uid" + std::to_string(i);
    samples.push_back(s);
  }
  ShardedWebDatasetWriter w(dir, 2, "train-");
  for (int i = 0; i < 3; ++i) w.write(samples[i]);
  // The first shard is full and in place; the second is still being written.
  EXPECT_EQ(w.shards(), (std::vector<fs::path>{dir / "train-00000000.tar"}));
  EXPECT_TRUE(fs::exists(dir / "train-00000000.tar"));
  EXPECT_FALSE(fs::exists(dir / "train-00000001.tar"));
  for (int i = 3; i < 5; ++i) w.write(samples[i]);
  w.close();
  EXPECT_EQ(w.samples(), 5);
  ASSERT_EQ(w.shards(), (std::vector<fs::path>{dir / "train-00000000.tar", dir / "train-00000001.tar",
                                               dir / "train-00000002.tar"}));
  std::vector<std::string> keys;
  for (const auto& shard : w.shards())
    for (const auto& r : read_all(shard)) keys.push_back(r.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"k0", "k1", "k2", "k3", "k4"}));
  EXPECT_EQ(read_all(w.shards()[2]).size(), 1u);
}

TEST(ShardedWebDatasetWriter, RefusesEmptyShards) {
  EXPECT_NE(error_of([] { ShardedWebDatasetWriter(fresh_dir("webdataset/sharded_zero"), 0); })
                .find("samples per shard must be at least 1, got 0"),
            std::string::npos);
}

}  // namespace
}  // namespace vlforge::test
