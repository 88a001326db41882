#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <system_error>

#include "crc32.hpp"
#include "packed_sequence_check.hpp"
#include "packed_shard_layout.hpp"
#include "vlforge/error.hpp"
#include "vlforge/packed_shard.hpp"

namespace vlforge {

namespace pl = packed_layout;

namespace {

struct IndexEntry {
  uint64_t offset = 0;
  uint32_t crc = 0;
};

void append_u32(std::vector<unsigned char>& out, uint32_t v) {
  unsigned char b[4];
  pl::put_u32(b, v);
  out.insert(out.end(), b, b + 4);
}
void append_u64(std::vector<unsigned char>& out, uint64_t v) {
  unsigned char b[8];
  pl::put_u64(b, v);
  out.insert(out.end(), b, b + 8);
}
void append_bytes(std::vector<unsigned char>& out, const void* data, size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  out.insert(out.end(), p, p + size);
}

}  // namespace

struct PackedShardWriter::Impl {
  std::filesystem::path path;
  std::filesystem::path temp;
  PackedShardMeta meta;
  std::string meta_json;
  std::ofstream out;
  uint64_t written = 0;
  std::vector<IndexEntry> index;
  bool closed = false;

  void write(const unsigned char* data, size_t size) {
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) throw Error(temp.string(), std::string("cannot write: ") + std::strerror(errno));
    written += size;
  }
};

PackedShardWriter::PackedShardWriter(const std::filesystem::path& path, PackedShardMeta meta)
    : impl_(std::make_unique<Impl>()) {
  Impl& w = *impl_;
  w.path = path;
  w.temp = path;
  w.temp += ".tmp";
  const std::string where = path.string();
  if (meta.context <= 0 || meta.image_tokens <= 0)
    throw Error(where, "context " + std::to_string(meta.context) + " and image_tokens " +
                           std::to_string(meta.image_tokens) + " must both be positive");
  if (meta.image_token_id < std::numeric_limits<int32_t>::min() || meta.image_token_id > std::numeric_limits<int32_t>::max())
    throw Error(where, "image_token_id " + std::to_string(meta.image_token_id) + " does not fit the 32-bit ids");
  w.meta = std::move(meta);
  w.meta_json = nlohmann::json{{"context", w.meta.context},
                               {"image_tokens", w.meta.image_tokens},
                               {"image_token_id", w.meta.image_token_id},
                               {"tokenizer", w.meta.tokenizer},
                               {"source", w.meta.source}}
                    .dump();
  w.out.open(w.temp, std::ios::binary | std::ios::trunc);
  if (!w.out) throw Error(w.temp.string(), std::string("cannot create: ") + std::strerror(errno));
  // The header is written last, on close(); until then it stays zero so a half-written file never
  // passes for a shard.
  const unsigned char zeros[pl::kHeaderSize] = {};
  w.write(zeros, sizeof zeros);
  w.write(reinterpret_cast<const unsigned char*>(w.meta_json.data()), w.meta_json.size());
}

PackedShardWriter::~PackedShardWriter() {
  if (impl_ && !impl_->closed) {
    impl_->out.close();
    std::error_code ignored;  // nothing to report from a destructor; the file is only a leftover
    std::filesystem::remove(impl_->temp, ignored);
  }
}

void PackedShardWriter::add(const PackedSequence& sequence) {
  Impl& w = *impl_;
  const std::string where = w.path.string();
  if (w.closed) throw Error(where, "add() after close()");
  const std::string which = "sequence " + std::to_string(w.index.size());
  if (auto problem = packed_sequence_problem(sequence, w.meta)) throw Error(where, which + ": " + *problem);
  constexpr uint64_t kMax32 = std::numeric_limits<uint32_t>::max();
  if (sequence.input_ids.size() > kMax32 || sequence.documents.size() > kMax32 || sequence.images.size() > kMax32)
    throw Error(where, which + ": more than 2^32 - 1 ids, documents or images");

  std::vector<unsigned char> record;
  append_u32(record, static_cast<uint32_t>(sequence.input_ids.size()));
  append_u32(record, static_cast<uint32_t>(sequence.documents.size()));
  append_u32(record, static_cast<uint32_t>(sequence.images.size()));
  append_u32(record, 0);
  for (int32_t id : sequence.input_ids) append_u32(record, static_cast<uint32_t>(id));
  for (const PackedDocument& doc : sequence.documents) {
    if (doc.uid.size() > kMax32) throw Error(where, which + ": uid longer than 2^32 - 1 bytes");
    append_u32(record, static_cast<uint32_t>(doc.uid.size()));
    append_bytes(record, doc.uid.data(), doc.uid.size());
    append_u64(record, static_cast<uint64_t>(doc.tokens));
    append_u64(record, static_cast<uint64_t>(doc.images));
    append_u64(record, static_cast<uint64_t>(doc.loss_from));
  }
  for (const PackedImage& image : sequence.images) {
    if (image.format.size() > kMax32) throw Error(where, which + ": image format longer than 2^32 - 1 bytes");
    append_u32(record, static_cast<uint32_t>(image.format.size()));
    append_bytes(record, image.format.data(), image.format.size());
    append_u64(record, image.bytes.size());
    append_bytes(record, image.bytes.data(), image.bytes.size());
  }
  w.index.push_back({w.written, crc32(record.data(), record.size())});
  w.write(record.data(), record.size());
}

int64_t PackedShardWriter::sequences() const { return static_cast<int64_t>(impl_->index.size()); }

void PackedShardWriter::close() {
  Impl& w = *impl_;
  if (w.closed) return;
  std::vector<unsigned char> index;
  index.reserve(w.index.size() * pl::kIndexEntrySize);
  for (const IndexEntry& e : w.index) {
    append_u64(index, e.offset);
    append_u32(index, e.crc);
    append_u32(index, 0);
  }
  const uint64_t index_at = w.written;
  w.write(index.data(), index.size());

  unsigned char header[pl::kHeaderSize] = {};
  std::memcpy(header + pl::kMagicAt, pl::kMagic, sizeof pl::kMagic);
  pl::put_u32(header + pl::kVersionAt, pl::kVersion);
  pl::put_u64(header + pl::kMetaLengthAt, w.meta_json.size());
  pl::put_u64(header + pl::kSequencesAt, w.index.size());
  pl::put_u64(header + pl::kIndexAt, index_at);
  pl::put_u32(header + pl::kIndexCrcAt, crc32(index.data(), index.size()));
  pl::put_u64(header + pl::kFileSizeAt, w.written);
  const uint32_t header_crc =
      crc32(reinterpret_cast<const unsigned char*>(w.meta_json.data()), w.meta_json.size(),
            crc32(header + pl::kMetaLengthAt, pl::kHeaderSize - pl::kMetaLengthAt));
  pl::put_u32(header + pl::kHeaderCrcAt, header_crc);
  w.out.seekp(0);
  w.out.write(reinterpret_cast<const char*>(header), sizeof header);
  w.out.flush();
  if (!w.out) throw Error(w.temp.string(), std::string("cannot write the header: ") + std::strerror(errno));
  w.out.close();
  if (!w.out) throw Error(w.temp.string(), std::string("cannot close: ") + std::strerror(errno));
  std::error_code ec;
  std::filesystem::rename(w.temp, w.path, ec);
  if (ec) throw Error(w.path.string(), "cannot rename " + w.temp.string() + " into place: " + ec.message());
  w.closed = true;
}

}  // namespace vlforge
