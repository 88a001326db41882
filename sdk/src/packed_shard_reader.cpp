#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "crc32.hpp"
#include "packed_sequence_check.hpp"
#include "packed_shard_layout.hpp"
#include "vlforge/error.hpp"
#include "vlforge/packed_shard.hpp"

namespace vlforge {

namespace pl = packed_layout;

namespace {

std::string at(uint64_t offset) { return "offset " + std::to_string(offset) + ": "; }

// Reads one record's fields in order; every read is checked against the record's end first.
class RecordCursor {
 public:
  RecordCursor(const unsigned char* base, uint64_t begin, uint64_t end, const std::string& where, int64_t sequence)
      : base_(base), pos_(begin), end_(end), where_(where), sequence_(sequence) {}

  uint64_t pos() const { return pos_; }
  uint64_t left() const { return end_ - pos_; }
  void need(uint64_t n, const char* what) const {
    if (n > left())
      fail(pos_, std::string(what) + " of " + std::to_string(n) + " bytes runs past the record's end at " +
                     std::to_string(end_));
  }
  uint32_t u32(const char* what) {
    need(4, what);
    const uint32_t v = pl::get_u32(base_ + pos_);
    pos_ += 4;
    return v;
  }
  uint64_t u64(const char* what) {
    need(8, what);
    const uint64_t v = pl::get_u64(base_ + pos_);
    pos_ += 8;
    return v;
  }
  const unsigned char* bytes(uint64_t n, const char* what) {
    need(n, what);
    const unsigned char* p = base_ + pos_;
    pos_ += n;
    return p;
  }
  [[noreturn]] void fail(uint64_t offset, const std::string& what) const {
    throw Error(where_, at(offset) + "sequence " + std::to_string(sequence_) + ": " + what);
  }

 private:
  const unsigned char* base_;
  uint64_t pos_;
  uint64_t end_;
  const std::string& where_;
  int64_t sequence_;
};

int64_t meta_int(const nlohmann::json& meta, const char* key, const std::string& where) {
  const auto it = meta.find(key);
  if (it == meta.end() || !it->is_number_integer())
    throw Error(where, at(pl::kHeaderSize) + "meta: '" + key + "' is missing or not an integer");
  return it->get<int64_t>();
}

std::string meta_string(const nlohmann::json& meta, const char* key, const std::string& where) {
  const auto it = meta.find(key);
  if (it == meta.end() || !it->is_string())
    throw Error(where, at(pl::kHeaderSize) + "meta: '" + key + "' is missing or not a string");
  return it->get<std::string>();
}

}  // namespace

struct PackedShardReader::Impl {
  std::string where;
  void* base = nullptr;
  uint64_t size = 0;
  PackedShardMeta meta;
  uint64_t index_at = 0;
  int64_t sequences = 0;

  const unsigned char* bytes() const { return static_cast<const unsigned char*>(base); }
  uint64_t record_begin(int64_t i) const {
    return pl::get_u64(bytes() + index_at + static_cast<uint64_t>(i) * pl::kIndexEntrySize);
  }
  uint64_t record_end(int64_t i) const { return i + 1 < sequences ? record_begin(i + 1) : index_at; }
  uint32_t record_crc(int64_t i) const {
    return pl::get_u32(bytes() + index_at + static_cast<uint64_t>(i) * pl::kIndexEntrySize + 8);
  }
  void check();

  ~Impl() {
    if (base != nullptr) munmap(base, size);
  }
};

void PackedShardReader::Impl::check() {
  const unsigned char* b = bytes();
  if (size < pl::kHeaderSize)
    throw Error(where, at(size) + "the file ends after " + std::to_string(size) + " bytes, inside the " +
                           std::to_string(pl::kHeaderSize) + "-byte header (truncated or not a packed shard)");
  if (std::memcmp(b + pl::kMagicAt, pl::kMagic, sizeof pl::kMagic) != 0)
    throw Error(where, at(pl::kMagicAt) + "not a packed shard (the magic bytes 'VLPACK\\r\\n' are missing)");
  const uint32_t version = pl::get_u32(b + pl::kVersionAt);
  if (version != pl::kVersion)
    throw Error(where, at(pl::kVersionAt) + "format version " + std::to_string(version) + " (this reader reads " +
                           std::to_string(pl::kVersion) + ")");
  const uint64_t file_size = pl::get_u64(b + pl::kFileSizeAt);
  if (file_size != size)
    throw Error(where, at(pl::kFileSizeAt) + "the header says the file has " + std::to_string(file_size) +
                           " bytes, it has " + std::to_string(size) + " (truncated or appended to)");
  const uint64_t meta_length = pl::get_u64(b + pl::kMetaLengthAt);
  if (meta_length > size - pl::kHeaderSize)
    throw Error(where, at(pl::kMetaLengthAt) + "meta length " + std::to_string(meta_length) +
                           " runs past the end of the file (" + std::to_string(size) + " bytes)");
  const uint32_t header_crc = crc32(b + pl::kHeaderSize, meta_length,
                                    crc32(b + pl::kMetaLengthAt, pl::kHeaderSize - pl::kMetaLengthAt));
  if (header_crc != pl::get_u32(b + pl::kHeaderCrcAt))
    throw Error(where, at(pl::kHeaderCrcAt) + "header checksum mismatch (the header or the meta is damaged)");
  if (pl::get_u64(b + pl::kReservedAt) != 0 || pl::get_u32(b + pl::kIndexCrcAt + 4) != 0)
    throw Error(where, at(pl::kIndexCrcAt + 4) + "reserved header fields are not zero");

  nlohmann::json json;
  try {
    json = nlohmann::json::parse(b + pl::kHeaderSize, b + pl::kHeaderSize + meta_length);
  } catch (const nlohmann::json::exception& e) {
    throw Error(where, at(pl::kHeaderSize) + "meta is not valid JSON: " + e.what());
  }
  if (!json.is_object()) throw Error(where, at(pl::kHeaderSize) + "meta is not a JSON object");
  meta.context = meta_int(json, "context", where);
  meta.image_tokens = meta_int(json, "image_tokens", where);
  meta.image_token_id = meta_int(json, "image_token_id", where);
  meta.tokenizer = meta_string(json, "tokenizer", where);
  meta.source = meta_string(json, "source", where);
  if (meta.context <= 0 || meta.image_tokens <= 0 || meta.image_token_id < std::numeric_limits<int32_t>::min() ||
      meta.image_token_id > std::numeric_limits<int32_t>::max())
    throw Error(where, at(pl::kHeaderSize) + "meta: context " + std::to_string(meta.context) + ", image_tokens " +
                           std::to_string(meta.image_tokens) + ", image_token_id " +
                           std::to_string(meta.image_token_id) +
                           " (expected positive counts and a 32-bit placeholder id)");

  const uint64_t data_at = pl::kHeaderSize + meta_length;
  index_at = pl::get_u64(b + pl::kIndexAt);
  if (index_at < data_at || index_at > size)
    throw Error(where, at(pl::kIndexAt) + "index offset " + std::to_string(index_at) + " is outside the records (" +
                           std::to_string(data_at) + ".." + std::to_string(size) + ")");
  const uint64_t count = pl::get_u64(b + pl::kSequencesAt);
  const uint64_t index_bytes = size - index_at;
  if (count > index_bytes / pl::kIndexEntrySize || count * pl::kIndexEntrySize != index_bytes)
    throw Error(where, at(pl::kSequencesAt) + std::to_string(count) + " sequences do not match the " +
                           std::to_string(index_bytes) + "-byte index at " + std::to_string(index_at) + " (" +
                           std::to_string(pl::kIndexEntrySize) + " bytes each)");
  if (crc32(b + index_at, index_bytes) != pl::get_u32(b + pl::kIndexCrcAt))
    throw Error(where, at(index_at) + "index checksum mismatch (the index is damaged)");
  sequences = static_cast<int64_t>(count);

  // Records are back to back from the end of the meta to the index, each at least a record header.
  uint64_t expected = data_at;
  for (int64_t i = 0; i < sequences; ++i) {
    const uint64_t entry = index_at + static_cast<uint64_t>(i) * pl::kIndexEntrySize;
    const uint64_t begin = record_begin(i);
    if (begin != expected)
      throw Error(where, at(entry) + "sequence " + std::to_string(i) + " starts at " + std::to_string(begin) +
                             ", expected " + std::to_string(expected) + " (records are back to back)");
    if (pl::get_u32(b + entry + 12) != 0)
      throw Error(where, at(entry + 12) + "reserved index field is not zero");
    const uint64_t end = record_end(i);
    if (end < begin || end - begin < pl::kRecordHeaderSize || end > index_at)
      throw Error(where, at(entry) + "sequence " + std::to_string(i) + " spans " + std::to_string(begin) + ".." +
                             std::to_string(end) + ", not a record inside " + std::to_string(data_at) + ".." +
                             std::to_string(index_at));
    expected = end;
  }
  if (expected != index_at)
    throw Error(where, at(expected) + std::to_string(index_at - expected) + " bytes between the last record and the index");
}

PackedShardReader::PackedShardReader(const std::filesystem::path& path) : impl_(std::make_unique<Impl>()) {
  Impl& r = *impl_;
  r.where = path.string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(r.where, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw Error(r.where, std::string("cannot stat: ") + std::strerror(err));
  }
  r.size = static_cast<uint64_t>(st.st_size);
  if (r.size > 0) {
    void* base = mmap(nullptr, r.size, PROT_READ, MAP_SHARED, fd, 0);
    const int err = errno;
    ::close(fd);
    if (base == MAP_FAILED) throw Error(r.where, std::string("cannot map: ") + std::strerror(err));
    r.base = base;
  } else {
    ::close(fd);
  }
  r.check();
}

PackedShardReader::~PackedShardReader() = default;

const PackedShardMeta& PackedShardReader::meta() const { return impl_->meta; }

int64_t PackedShardReader::size() const { return impl_->sequences; }

PackedSequence PackedShardReader::get(int64_t i) const {
  const Impl& r = *impl_;
  if (i < 0 || i >= r.sequences)
    throw Error(r.where, "no sequence " + std::to_string(i) + " (the shard has " + std::to_string(r.sequences) + ")");
  const uint64_t begin = r.record_begin(i);
  const uint64_t end = r.record_end(i);
  RecordCursor in(r.bytes(), begin, end, r.where, i);
  const uint32_t stored = r.record_crc(i);
  const uint32_t computed = crc32(r.bytes() + begin, end - begin);
  if (stored != computed) in.fail(begin, "record checksum mismatch (the record is damaged)");

  PackedSequence seq;
  const uint32_t ids = in.u32("id count");
  const uint32_t documents = in.u32("document count");
  const uint32_t images = in.u32("image count");
  if (in.u32("reserved field") != 0) in.fail(begin + 12, "reserved record field is not zero");
  const uint64_t ids_at = in.pos();
  const unsigned char* id_bytes = in.bytes(uint64_t{ids} * 4, "input_ids");
  // Each document and image takes at least its fixed fields: a huge count is refused before any
  // allocation is sized by it.
  constexpr uint64_t kDocumentMin = 4 + 3 * 8;
  constexpr uint64_t kImageMin = 4 + 8;
  if (uint64_t{documents} * kDocumentMin + uint64_t{images} * kImageMin > in.left())
    in.fail(in.pos(), std::to_string(documents) + " documents and " + std::to_string(images) +
                          " images cannot fit the record's remaining " + std::to_string(in.left()) + " bytes");
  seq.input_ids.resize(ids);
  for (uint32_t k = 0; k < ids; ++k) seq.input_ids[k] = static_cast<int32_t>(pl::get_u32(id_bytes + 4ULL * k));
  seq.documents.resize(documents);
  for (PackedDocument& doc : seq.documents) {
    const uint32_t uid_length = in.u32("uid length");
    const unsigned char* uid = in.bytes(uid_length, "uid");
    doc.uid.assign(reinterpret_cast<const char*>(uid), uid_length);
    doc.tokens = static_cast<int64_t>(in.u64("document tokens"));
    doc.images = static_cast<int64_t>(in.u64("document images"));
    doc.loss_from = static_cast<int64_t>(in.u64("document loss_from"));
  }
  seq.images.resize(images);
  for (PackedImage& image : seq.images) {
    const uint32_t format_length = in.u32("image format length");
    const unsigned char* format = in.bytes(format_length, "image format");
    image.format.assign(reinterpret_cast<const char*>(format), format_length);
    const uint64_t length = in.u64("image length");
    const unsigned char* data = in.bytes(length, "image bytes");
    image.bytes.assign(data, data + length);
  }
  if (in.left() != 0) in.fail(in.pos(), std::to_string(in.left()) + " bytes left over at the record's end");
  if (auto problem = packed_sequence_problem(seq, r.meta)) in.fail(ids_at, *problem);
  return seq;
}

}  // namespace vlforge
