// Packed shards: the pre-training sequences stage/pack writes and the packed-data loader reads.
//
// One file per input shard, NAME.vlpack: a small header, the sequences, and an index of their
// offsets at the end, so any sequence is read by memory-mapped random access. No pickle and no
// trust: every count, offset and length is checked against the file before it is used, and a
// damaged file is reported with its path and the byte offset of the damage.
//
// A sequence holds whole documents (captions with their images) in order. input_ids carry ONE
// placeholder (meta.image_token_id) per image; the loader expands each to meta.image_tokens
// tokens, so a document's `tokens` counts the expanded length, as packing did. Images stay
// encoded (JPEG/PNG/WebP bytes as the source shard had them) until the loader decodes them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "vlforge/export.hpp"

namespace vlforge {

struct PackedShardMeta {
  int64_t context = 4096;       // sequence length the packer filled
  int64_t image_tokens = 144;   // tokens each placeholder expands to
  int64_t image_token_id = -1;  // the placeholder id in input_ids
  std::string tokenizer;        // which tokenizer made the ids, for refusing a mismatched reader
  std::string source;           // the input shard the sequences came from
};

struct PackedDocument {
  std::string uid;
  int64_t tokens = 0;     // expanded length: text tokens + images * image_tokens
  int64_t images = 0;
  int64_t loss_from = 0;  // expanded tokens at its start that carry no loss (image and newline)
};

struct PackedImage {
  std::string format;          // "jpg", "png", ...
  std::vector<uint8_t> bytes;  // encoded
};

struct PackedSequence {
  std::vector<int32_t> input_ids;         // documents back to back, one placeholder per image
  std::vector<PackedDocument> documents;  // in order
  std::vector<PackedImage> images;        // in reading order
};

class VLFORGE_API PackedShardWriter {
 public:
  // Writes `path` + ".tmp" and renames it on close(); a writer destroyed without close()
  // removes the temporary file. Throws vlforge::Error on I/O errors.
  PackedShardWriter(const std::filesystem::path& path, PackedShardMeta meta);
  ~PackedShardWriter();
  PackedShardWriter(const PackedShardWriter&) = delete;
  PackedShardWriter& operator=(const PackedShardWriter&) = delete;

  // Throws when the sequence is inconsistent (documents' tokens do not add up to the ids with
  // placeholders expanded, placeholder count != images, over the context).
  void add(const PackedSequence& sequence);
  int64_t sequences() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class VLFORGE_API PackedShardReader {
 public:
  // Maps the file and checks its header and index; throws vlforge::Error "PATH: offset N: ...".
  explicit PackedShardReader(const std::filesystem::path& path);
  ~PackedShardReader();
  PackedShardReader(const PackedShardReader&) = delete;
  PackedShardReader& operator=(const PackedShardReader&) = delete;

  const PackedShardMeta& meta() const;
  int64_t size() const;  // sequences
  // Sequence i, every field checked against its record's bounds; throws vlforge::Error naming
  // the file and offset when the record is damaged. Thread-safe.
  PackedSequence get(int64_t i) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vlforge
