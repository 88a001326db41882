// WebDatasetReader on tars made by other tools and on hostile or damaged ones: unsafe names and
// links are skipped and reported, damage ends the stream after every complete record.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "error_text.hpp"
#include "process.hpp"
#include "shard_bytes.hpp"
#include "tar_builder.hpp"
#include "test_paths.hpp"
#include "vlforge/webdataset.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

struct ReadResult {
  std::vector<WebDatasetRecord> records;
  std::vector<SkippedRecord> problems;

  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.key);
    return out;
  }
};

ReadResult read_all(const fs::path& tar) {
  WebDatasetReader in(tar);
  ReadResult out;
  for (WebDatasetRecord r; in.next(r);) out.records.push_back(r);
  out.problems = in.problems();
  // The end is sticky: asking again yields nothing and adds no problem.
  WebDatasetRecord extra;
  EXPECT_FALSE(in.next(extra));
  EXPECT_EQ(in.problems().size(), out.problems.size());
  return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Four records 0001..0004 with a 600-byte image each, so a cut can land inside any entry.
fs::path four_record_shard(const fs::path& tar) {
  WebDatasetWriter w(tar);
  for (int i = 1; i <= 4; ++i) {
    Sample s;
    s.key = "000" + std::to_string(i);
    s.uid = "uid" + std::to_string(i);
    s.text = "caption " + std::to_string(i);
    s.image = std::vector<uint8_t>(600, static_cast<uint8_t>(i));
    s.image_format = "jpg";
    w.write(s);
  }
  w.close();
  return tar;
}

TEST(WebDatasetReader, ReadsAShardMadeByGnuTar) {
  const fs::path dir = fresh_dir("webdataset/gnu_tar_made");
  const fs::path src = dir / "src";
  const std::string long_key = "sub/" + std::string(130, 'x');
  write_text(src / "0001.jpg", "jpeg bytes");
  write_text(src / "0001.txt", "first");
  write_text(src / "0001.json", R"({"uid":"u1"})");
  write_text(src / (long_key + ".txt"), "second");
  write_text(src / (long_key + ".json"), R"({"uid":"u2"})");
  const std::string utf8_key = "caf\xc3\xa9";
  write_text(src / (utf8_key + ".txt"), "third");
  // gnu spells the long name with a ././@LongLink entry and the non-ASCII one as raw bytes,
  // posix both with pax headers.
  for (const std::string format : {"gnu", "posix"}) {
    SCOPED_TRACE(format);
    const fs::path tar = dir / (format + ".tar");
    std::vector<std::string> args = {"tar",
                                     "--format=" + format,
                                     "-cf",
                                     tar.string(),
                                     "-C",
                                     src.string(),
                                     "0001.jpg",
                                     "0001.txt",
                                     "0001.json",
                                     long_key + ".txt",
                                     long_key + ".json",
                                     utf8_key + ".txt"};
    const auto made = run_command(args);
    ASSERT_EQ(made.exit_code, 0) << made.output;
    const ReadResult r = read_all(tar);
    EXPECT_TRUE(r.problems.empty());
    ASSERT_EQ(r.keys(), (std::vector<std::string>{"0001", long_key, utf8_key}));
    EXPECT_EQ(text_of(*r.records[0].file("jpg")), "jpeg bytes");
    EXPECT_EQ(text_of(*r.records[0].file("txt")), "first");
    EXPECT_EQ(text_of(*r.records[1].file("json")), R"({"uid":"u2"})");
    EXPECT_EQ(text_of(*r.records[2].file("txt")), "third");
  }
}

TEST(WebDatasetReader, FolderEntriesOfATarOfADirectoryAreReported) {
  const fs::path dir = fresh_dir("webdataset/gnu_tar_dir");
  write_text(dir / "src" / "0001.txt", "a");
  write_text(dir / "src" / "0001.json", "{}");
  const auto made =
      run_command({"tar", "--sort=name", "-cf", (dir / "s.tar").string(), "-C", (dir / "src").string(), "."});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const ReadResult r = read_all(dir / "s.tar");
  EXPECT_EQ(r.keys(), (std::vector<std::string>{"./0001"}));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].key, "");
  EXPECT_EQ(r.problems[0].reason, "not a regular file");
  EXPECT_EQ(r.problems[0].detail, "'./': directory");
}

TEST(WebDatasetReader, KeysSplitAtTheFirstDotOfTheLastComponent) {
  const fs::path dir = fresh_dir("webdataset/key_split");
  TarBuilder(dir / "s.tar").file("a.b/0001.seg.PNG", "m").file("a.b/0001.txt", "t").close();
  const ReadResult r = read_all(dir / "s.tar");
  ASSERT_EQ(r.keys(), (std::vector<std::string>{"a.b/0001"}));
  EXPECT_EQ(r.records[0].files[0].first, "seg.png");
  EXPECT_EQ(r.records[0].files[1].first, "txt");
}

TEST(WebDatasetReader, UnsafeNamesAreSkippedAndReported) {
  const fs::path dir = fresh_dir("webdataset/unsafe");
  TarBuilder(dir / "s.tar")
      .file("0001.txt", "one")
      .file("0001.json", "{}")
      .file("../../x", "escape")
      .file("/etc/0002.txt", "absolute")
      .file("a/../../0002.txt", "dotdot inside")
      .file("win\\0002.txt", "backslash")
      .file("0002.txt", "two")
      .file("0002.json", "{}")
      .close();
  const ReadResult r = read_all(dir / "s.tar");
  ASSERT_EQ(r.keys(), (std::vector<std::string>{"0001", "0002"}));
  EXPECT_EQ(text_of(*r.records[1].file("txt")), "two");
  ASSERT_EQ(r.problems.size(), 4u);
  for (const auto& p : r.problems) {
    EXPECT_EQ(p.reason, "unsafe entry name");
    EXPECT_EQ(p.key, "");
  }
  EXPECT_EQ(r.problems[0].detail, "'../../x': '..' component");
  EXPECT_EQ(r.problems[1].detail, "'/etc/0002.txt': absolute path");
  EXPECT_EQ(r.problems[2].detail, "'a/../../0002.txt': '..' component");
  EXPECT_EQ(r.problems[3].detail, "'win\\x5c0002.txt': backslash");
}

TEST(WebDatasetReader, LinksFoldersAndNamelessEntriesAreSkippedAndReported) {
  const fs::path dir = fresh_dir("webdataset/not_regular");
  TarBuilder(dir / "s.tar")
      .directory("shards/")
      .file("0001.jpg", "img")
      .symlink("0001.txt", "/etc/passwd")
      .file("0001.json", "{}")
      .hardlink("0002.txt", "0001.jpg")
      .file("0002.json", "{}")
      .file("README", "no extension")
      .file("0003.txt", "first")
      .file("0003.txt", "second")
      .close();
  const ReadResult r = read_all(dir / "s.tar");
  ASSERT_EQ(r.keys(), (std::vector<std::string>{"0001", "0002", "0003"}));
  EXPECT_EQ(r.records[0].file("txt"), nullptr);
  EXPECT_EQ(r.records[1].file("txt"), nullptr);
  EXPECT_EQ(text_of(*r.records[2].file("txt")), "first");
  ASSERT_EQ(r.problems.size(), 5u);
  EXPECT_EQ(r.problems[0].reason, "not a regular file");
  EXPECT_EQ(r.problems[0].detail, "'shards/': directory");
  EXPECT_EQ(r.problems[1].reason, "not a regular file");
  EXPECT_EQ(r.problems[1].detail, "'0001.txt': symbolic link");
  EXPECT_EQ(r.problems[2].reason, "not a regular file");
  EXPECT_EQ(r.problems[2].detail, "'0002.txt': hard link");
  EXPECT_EQ(r.problems[3].reason, "no extension");
  EXPECT_TRUE(contains(r.problems[3].detail, "'README'"));
  EXPECT_EQ(r.problems[4].reason, "duplicate entry");
  EXPECT_EQ(r.problems[4].key, "0003");
  EXPECT_EQ(r.problems[4].detail, "'0003.txt': the record already has a .txt file");
}

TEST(WebDatasetReader, CutInsideTheFirstEntryOfARecordYieldsEveryRecordBefore) {
  const fs::path dir = fresh_dir("webdataset/cut_first_entry");
  const fs::path tar = four_record_shard(dir / "whole.tar");
  const size_t at = tar_header_offset(read_bytes(tar), "0003.jpg");
  write_cut(tar, at + 512 + 300, dir / "cut.tar");
  const ReadResult r = read_all(dir / "cut.tar");
  ASSERT_EQ(r.keys(), (std::vector<std::string>{"0001", "0002"}));
  EXPECT_EQ(r.records[1].files.size(), 3u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].key, "0003");
  EXPECT_EQ(r.problems[0].reason, "truncated tar");
  EXPECT_TRUE(r.problems[0].detail.starts_with("tar damaged at byte " + std::to_string(at) + " in entry '0003.jpg': "))
      << r.problems[0].detail;
  EXPECT_TRUE(contains(r.problems[0].detail, "runcated")) << r.problems[0].detail;
}

TEST(WebDatasetReader, CutInsideTheLastEntryDropsThatRecordOnly) {
  const fs::path dir = fresh_dir("webdataset/cut_last_entry");
  const fs::path tar = four_record_shard(dir / "whole.tar");
  const size_t at = tar_header_offset(read_bytes(tar), "0003.json");
  write_cut(tar, at + 512 + 4, dir / "cut.tar");
  const ReadResult r = read_all(dir / "cut.tar");
  EXPECT_EQ(r.keys(), (std::vector<std::string>{"0001", "0002"}));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].key, "0003");
  EXPECT_EQ(r.problems[0].reason, "truncated tar");
  EXPECT_TRUE(r.problems[0].detail.starts_with("tar damaged at byte " + std::to_string(at) + " in entry '0003.json': "))
      << r.problems[0].detail;
}

TEST(WebDatasetReader, CutInsideAHeaderDropsTheRecordInProgress) {
  const fs::path dir = fresh_dir("webdataset/cut_header");
  const fs::path tar = four_record_shard(dir / "whole.tar");
  const size_t at = tar_header_offset(read_bytes(tar), "0003.txt");
  write_cut(tar, at + 100, dir / "cut.tar");
  const ReadResult r = read_all(dir / "cut.tar");
  EXPECT_EQ(r.keys(), (std::vector<std::string>{"0001", "0002"}));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].key, "0003");
  EXPECT_EQ(r.problems[0].reason, "truncated tar");
  EXPECT_TRUE(r.problems[0].detail.starts_with("tar damaged at byte " + std::to_string(at) + ": "))
      << r.problems[0].detail;
}

TEST(WebDatasetReader, CorruptHeaderEndsTheStream) {
  const fs::path dir = fresh_dir("webdataset/bad_checksum");
  const fs::path tar = four_record_shard(dir / "whole.tar");
  auto bytes = read_bytes(tar);
  const size_t at = tar_header_offset(bytes, "0004.jpg");
  bytes[at + 124] ^= 0x01;  // the size field: the checksum no longer matches
  write_bytes(dir / "bad.tar", bytes);
  const ReadResult r = read_all(dir / "bad.tar");
  // Whether 0003 had more entries after the bad header cannot be known: it is dropped too.
  EXPECT_EQ(r.keys(), (std::vector<std::string>{"0001", "0002"}));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].reason, "truncated tar");
  EXPECT_EQ(r.problems[0].key, "0003");
}

TEST(WebDatasetReader, NotATarIsReportedNotThrown) {
  const fs::path dir = fresh_dir("webdataset/not_tar");
  write_bytes(dir / "garbage.tar", test_image("garbage.png"));
  write_bytes(dir / "empty.tar", {});
  for (const std::string name : {"garbage.tar", "empty.tar"}) {
    SCOPED_TRACE(name);
    const ReadResult r = read_all(dir / name);
    EXPECT_TRUE(r.records.empty());
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].key, "");
    EXPECT_EQ(r.problems[0].reason, "truncated tar");
    EXPECT_TRUE(r.problems[0].detail.starts_with("tar damaged at byte 0: ")) << r.problems[0].detail;
  }
}

TEST(WebDatasetReader, MissingFileIsAnErrorNamingIt) {
  const fs::path dir = fresh_dir("webdataset/missing");
  EXPECT_EQ(error_of([&] { WebDatasetReader in(dir / "nope.tar"); }),
            (dir / "nope.tar").string() + ": cannot open shard: No such file or directory");
  EXPECT_EQ(error_of([&] { WebDatasetReader in(dir); }), dir.string() + ": cannot open shard: not a regular file");
}

}  // namespace
}  // namespace vlforge::test
