// Packed shards: round trip, random access, the writer's consistency checks, and a reader that
// reports every damaged file as a vlforge::Error naming the file and an offset. Torch-free and
// free of the test support library, so the same source also builds as packed_shard_asan_tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "vlforge/error.hpp"
#include "vlforge/packed_shard.hpp"

namespace vlforge {
namespace {

namespace fs = std::filesystem;

constexpr int32_t kImage = 151655;  // placeholder id, as Qwen2's <|image_pad|>

PackedShardMeta small_meta() {
  PackedShardMeta meta;
  meta.context = 64;
  meta.image_tokens = 4;
  meta.image_token_id = kImage;
  meta.tokenizer = "test-bpe";
  meta.source = "00000.tar";
  return meta;
}

PackedImage image(std::string format, std::vector<uint8_t> bytes) { return {std::move(format), std::move(bytes)}; }

// Sequence `n` of a test shard: two documents, the first with one image, the second with `n % 3`.
PackedSequence sequence(int n) {
  PackedSequence s;
  const int second_images = n % 3;
  s.input_ids = {kImage, 10 + n, 11, 12};
  s.documents.push_back({"doc-" + std::to_string(n) + "-a", 4 + 3, 1, 4 + 1});
  s.images.push_back(image("jpg", {uint8_t(n), 0xD8, 0xFF}));
  for (int k = 0; k < second_images; ++k) {
    s.input_ids.push_back(kImage);
    s.images.push_back(image("png", std::vector<uint8_t>(size_t(k + 2), uint8_t(0x40 + n))));
  }
  s.input_ids.insert(s.input_ids.end(), {20, 21 + n});
  s.documents.push_back({"doc-" + std::to_string(n) + "-b", second_images * 4 + 2, second_images, second_images * 4});
  return s;
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("vlforge-packed-shard-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

std::vector<uint8_t> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& file, const std::vector<uint8_t>& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

fs::path write_shard(const fs::path& file, int sequences) {
  PackedShardWriter writer(file, small_meta());
  for (int n = 0; n < sequences; ++n) writer.add(sequence(n));
  writer.close();
  return file;
}

void expect_equal(const PackedSequence& a, const PackedSequence& b) {
  EXPECT_EQ(a.input_ids, b.input_ids);
  ASSERT_EQ(a.documents.size(), b.documents.size());
  for (size_t d = 0; d < a.documents.size(); ++d) {
    EXPECT_EQ(a.documents[d].uid, b.documents[d].uid);
    EXPECT_EQ(a.documents[d].tokens, b.documents[d].tokens);
    EXPECT_EQ(a.documents[d].images, b.documents[d].images);
    EXPECT_EQ(a.documents[d].loss_from, b.documents[d].loss_from);
  }
  ASSERT_EQ(a.images.size(), b.images.size());
  for (size_t k = 0; k < a.images.size(); ++k) {
    EXPECT_EQ(a.images[k].format, b.images[k].format);
    EXPECT_EQ(a.images[k].bytes, b.images[k].bytes);
  }
}

// Opens `file` and reads every sequence, as the loader would.
void read_all(const fs::path& file) {
  PackedShardReader reader(file);
  for (int64_t i = 0; i < reader.size(); ++i) (void)reader.get(i);
}

// A damaged file must be refused with an Error naming the file and a byte offset.
void expect_damage_reported(const fs::path& file, const std::string& context) {
  try {
    read_all(file);
    ADD_FAILURE() << context << ": a damaged file was read without an error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.where(), file.string()) << context << ": " << what;
    EXPECT_EQ(e.reason().rfind("offset ", 0), 0U) << context << ": " << what;
  }
}

// --- CRC-32 and little-endian helpers, so a test can forge a file whose checksums still match
// and reach the reader's structural checks.

uint32_t crc32_of(const uint8_t* p, size_t n, uint32_t seed = 0) {
  uint32_t c = ~seed;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
  }
  return ~c;
}
uint64_t get64(const std::vector<uint8_t>& b, size_t at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | b[at + size_t(i)];
  return v;
}
void put64(std::vector<uint8_t>& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + size_t(i)] = uint8_t(v >> (8 * i));
}
void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + size_t(i)] = uint8_t(v >> (8 * i));
}

// Recomputes every checksum of a file laid out as docs/data-formats.md says, leaving its other
// fields (possibly forged) as they are; stops at fields that point outside the file.
void reseal(std::vector<uint8_t>& b) {
  const uint64_t size = b.size();
  const uint64_t index_at = get64(b, 32);
  const uint64_t count = get64(b, 24);
  if (index_at <= size && count <= (size - index_at) / 16) {
    for (uint64_t i = 0; i < count; ++i) {
      const uint64_t begin = get64(b, size_t(index_at + 16 * i));
      const uint64_t end = i + 1 < count ? get64(b, size_t(index_at + 16 * (i + 1))) : index_at;
      if (begin <= end && end <= size)
        put32(b, size_t(index_at + 16 * i + 8), crc32_of(b.data() + begin, size_t(end - begin)));
    }
    put32(b, 40, crc32_of(b.data() + index_at, size_t(size - index_at)));
  }
  const uint64_t meta = get64(b, 16);
  const uint64_t meta_len = meta <= size - 64 ? meta : 0;
  put32(b, 12, crc32_of(b.data() + 64, size_t(meta_len), crc32_of(b.data() + 16, 48)));
}

size_t first_record(const std::vector<uint8_t>& b) { return size_t(64 + get64(b, 16)); }

TEST(PackedShard, RoundTripKeepsEverySequenceAndTheMeta) {
  TempDir dir;
  const fs::path file = write_shard(dir.path() / "00000.vlpack", 5);
  EXPECT_FALSE(fs::exists(dir.path() / "00000.vlpack.tmp"));
  PackedShardReader reader(file);
  ASSERT_EQ(reader.size(), 5);
  EXPECT_EQ(reader.meta().context, 64);
  EXPECT_EQ(reader.meta().image_tokens, 4);
  EXPECT_EQ(reader.meta().image_token_id, kImage);
  EXPECT_EQ(reader.meta().tokenizer, "test-bpe");
  EXPECT_EQ(reader.meta().source, "00000.tar");
  for (int n = 0; n < 5; ++n) expect_equal(reader.get(n), sequence(n));
}

TEST(PackedShard, RandomAccessInAnyOrder) {
  TempDir dir;
  const fs::path file = write_shard(dir.path() / "s.vlpack", 9);
  PackedShardReader reader(file);
  for (int n : {7, 0, 8, 3, 3, 5, 1}) expect_equal(reader.get(n), sequence(n));
  EXPECT_THROW((void)reader.get(9), Error);
  EXPECT_THROW((void)reader.get(-1), Error);
}

TEST(PackedShard, EmptyShardAndEmptySequence) {
  TempDir dir;
  const fs::path none = write_shard(dir.path() / "none.vlpack", 0);
  EXPECT_EQ(PackedShardReader(none).size(), 0);
  PackedShardWriter writer(dir.path() / "empty.vlpack", small_meta());
  writer.add(PackedSequence{});
  writer.close();
  PackedShardReader reader(dir.path() / "empty.vlpack");
  ASSERT_EQ(reader.size(), 1);
  EXPECT_TRUE(reader.get(0).input_ids.empty());
}

TEST(PackedShard, WriterWithoutCloseLeavesNoFile) {
  TempDir dir;
  {
    PackedShardWriter writer(dir.path() / "a.vlpack", small_meta());
    writer.add(sequence(0));
    EXPECT_TRUE(fs::exists(dir.path() / "a.vlpack.tmp"));
  }
  EXPECT_FALSE(fs::exists(dir.path() / "a.vlpack"));
  EXPECT_FALSE(fs::exists(dir.path() / "a.vlpack.tmp"));
}

TEST(PackedShard, WriterRefusesInconsistentSequences) {
  TempDir dir;
  PackedShardWriter writer(dir.path() / "w.vlpack", small_meta());
  PackedSequence tokens_off = sequence(1);
  tokens_off.documents[1].tokens += 1;  // documents no longer add up to the expanded ids
  EXPECT_THROW(writer.add(tokens_off), Error);
  PackedSequence missing_image = sequence(2);
  missing_image.images.pop_back();  // placeholders != images
  EXPECT_THROW(writer.add(missing_image), Error);
  PackedSequence wrong_doc_images = sequence(0);
  wrong_doc_images.documents[0].images = 0;
  EXPECT_THROW(writer.add(wrong_doc_images), Error);
  PackedSequence straddle = sequence(0);  // the image run would cross into the second document
  straddle.documents[0].tokens = 2;
  straddle.documents[1].tokens += 5;
  EXPECT_THROW(writer.add(straddle), Error);
  PackedSequence too_long;
  too_long.input_ids.assign(65, 7);
  too_long.documents.push_back({"long", 65, 0, 0});
  EXPECT_THROW(writer.add(too_long), Error);
  PackedSequence loss_past_end = sequence(0);
  loss_past_end.documents[0].loss_from = 8;
  EXPECT_THROW(writer.add(loss_past_end), Error);
  EXPECT_EQ(writer.sequences(), 0);
  writer.add(sequence(0));
  EXPECT_EQ(writer.sequences(), 1);
}

TEST(PackedShard, EveryFlippedByteIsReported) {
  TempDir dir;
  const fs::path good = write_shard(dir.path() / "good.vlpack", 3);
  const std::vector<uint8_t> bytes = read_file(good);
  const fs::path bad = dir.path() / "bad.vlpack";
  for (size_t pos = 0; pos < bytes.size(); ++pos) {
    for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xFF}}) {
      std::vector<uint8_t> damaged = bytes;
      damaged[pos] ^= mask;
      write_file(bad, damaged);
      expect_damage_reported(bad, "byte " + std::to_string(pos) + " ^ " + std::to_string(mask));
    }
  }
}

TEST(PackedShard, EveryTruncationIsReported) {
  TempDir dir;
  const fs::path good = write_shard(dir.path() / "good.vlpack", 3);
  const std::vector<uint8_t> bytes = read_file(good);
  const fs::path bad = dir.path() / "cut.vlpack";
  for (size_t length = 0; length < bytes.size(); ++length) {
    write_file(bad, std::vector<uint8_t>(bytes.begin(), bytes.begin() + std::ptrdiff_t(length)));
    expect_damage_reported(bad, "truncated to " + std::to_string(length));
  }
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  write_file(bad, longer);
  expect_damage_reported(bad, "one byte appended");
}

// Forged files whose checksums match: the structural checks alone must catch them.
class ForgedShard : public ::testing::Test {
 protected:
  void SetUp() override { bytes_ = read_file(write_shard(dir_.path() / "good.vlpack", 3)); }
  void expect_refused(const std::vector<uint8_t>& forged, const std::string& context, const std::string& words) {
    std::vector<uint8_t> sealed = forged;
    reseal(sealed);
    const fs::path bad = dir_.path() / "forged.vlpack";
    write_file(bad, sealed);
    expect_damage_reported(bad, context);
    try {
      read_all(bad);
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << context << ": " << e.what();
    }
  }
  TempDir dir_;
  std::vector<uint8_t> bytes_;
};

TEST_F(ForgedShard, IndexOffsetPastTheEnd) {
  auto b = bytes_;
  put64(b, 32, b.size() + 16);
  expect_refused(b, "index offset past the end", "index offset");
  put64(b, 32, ~uint64_t{0});
  expect_refused(b, "index offset 2^64 - 1", "index offset");
}

TEST_F(ForgedShard, HugeSequenceCount) {
  auto b = bytes_;
  put64(b, 24, ~uint64_t{0} / 16 + 2);  // count * 16 wraps around to a small number
  expect_refused(b, "wrapping sequence count", "sequences do not match");
}

TEST_F(ForgedShard, HugeMetaLength) {
  auto b = bytes_;
  put64(b, 16, ~uint64_t{0} - 10);
  expect_refused(b, "meta length near 2^64", "meta length");
}

TEST_F(ForgedShard, RecordOffsetPastTheEnd) {
  auto b = bytes_;
  const size_t index_at = size_t(get64(b, 32));
  put64(b, index_at + 16, ~uint64_t{0} - 3);  // ends the first record there
  expect_refused(b, "second record offset near 2^64", "not a record");
  b = bytes_;
  put64(b, index_at, b.size() + 100);
  expect_refused(b, "first record offset past the end", "starts at");
}

TEST_F(ForgedShard, HugeIdCount) {
  auto b = bytes_;
  put32(b, first_record(b), 0xFFFFFFFFU);
  expect_refused(b, "id count 2^32 - 1", "runs past the record's end");
}

TEST_F(ForgedShard, HugeDocumentAndImageCounts) {
  auto b = bytes_;
  put32(b, first_record(b) + 4, 0xFFFFFFFFU);
  expect_refused(b, "document count 2^32 - 1", "cannot fit");
  b = bytes_;
  put32(b, first_record(b) + 8, 0xFFFFFFFFU);
  expect_refused(b, "image count 2^32 - 1", "cannot fit");
}

TEST_F(ForgedShard, HugeImageLength) {
  // The first record's only image length field: the last 8 + 3 bytes before the next record.
  auto b = bytes_;
  const size_t index_at = size_t(get64(b, 32));
  const size_t second = size_t(get64(b, index_at + 16));
  put64(b, second - 3 - 8, ~uint64_t{0} - 1);
  expect_refused(b, "image length near 2^64", "runs past the record's end");
}

TEST_F(ForgedShard, DocumentTokensThatDoNotAddUp) {
  // The first document's tokens field: after the record header, 6 ids, its uid length and uid.
  auto b = bytes_;
  const size_t tokens_at = first_record(b) + 16 + 6 * 4 + 4 + std::string("doc-0-a").size();
  ASSERT_EQ(get64(b, tokens_at), 7U);
  put64(b, tokens_at, 8);
  expect_refused(b, "document tokens + 1", "sequence 0: document 1");
  put64(b, tokens_at, ~uint64_t{0});
  expect_refused(b, "document tokens -1", "sequence 0: document 0");
}

TEST_F(ForgedShard, ForeignFileAndWrongVersion) {
  auto b = bytes_;
  b[0] = 'X';
  expect_refused(b, "magic", "not a packed shard");
  b = bytes_;
  put32(b, 8, 2);
  expect_refused(b, "version 2", "version 2");
}

}  // namespace
}  // namespace vlforge
