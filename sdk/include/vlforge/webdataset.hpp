// WebDataset tar shards: the streaming reader and writer every data stage uses.
//
// A shard is a tar whose consecutive entries sharing a key form one record: "a/0001.jpg",
// "a/0001.txt", "a/0001.json" -> key "a/0001" with files jpg, txt, json (the extension is
// everything after the first dot of the last path component, lower-cased). Tar handling is
// libarchive's. Entry names are data, never paths: a name that is absolute, contains "..", a
// NUL or a backslash, or is not a regular file is skipped and reported, and nothing is ever
// written to the filesystem under an entry's name.
//
//   WebDatasetReader in("shard-00000.tar");
//   for (WebDatasetRecord r; in.next(r);) use(r.key, r.file("txt"));
//   for (const SkippedRecord& s : in.problems()) report(s);   // truncated tar, unsafe names
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vlforge/export.hpp"
#include "vlforge/interfaces/dataset.hpp"
#include "vlforge/sample.hpp"

namespace vlforge {

// "{00000000..00001279}.tar" -> 1280 names; "{a,b}-{0..2}" -> a-0 a-1 a-2 b-0 b-1 b-2. A bound
// with a leading zero pads every number to the longer bound's width; several braces expand as a
// product, the leftmost varying slowest, as Python's braceexpand does. Throws vlforge::Error on
// an unbalanced brace.
VLFORGE_API std::vector<std::string> expand_braces(std::string_view pattern);

struct VLFORGE_API WebDatasetRecord {
  std::string key;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> files;  // extension -> bytes, tar order

  // The file with this extension, or nullptr.
  const std::vector<uint8_t>* file(std::string_view extension) const;
};

class VLFORGE_API WebDatasetReader {
 public:
  // Throws vlforge::Error naming the file when it cannot be opened at all.
  explicit WebDatasetReader(const std::filesystem::path& tar);
  ~WebDatasetReader();
  WebDatasetReader(const WebDatasetReader&) = delete;
  WebDatasetReader& operator=(const WebDatasetReader&) = delete;

  // The next record; false at the end of the shard, or where it is damaged (truncated, a bad
  // header): the records before the damage are all yielded and the damage is in problems().
  bool next(WebDatasetRecord& out);
  // Entries and damage skipped so far, in the order found: "unsafe entry name", "not a regular
  // file", "no extension" (no KEY.EXT form), "duplicate entry" (the first is kept), "truncated
  // tar" (with the byte offset and libarchive's message in detail).
  const std::vector<SkippedRecord>& problems() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class VLFORGE_API WebDatasetWriter {
 public:
  // Writes to `tar` + ".tmp" and renames on close(), so a shard on disk is always complete; a
  // writer destroyed without close() removes its temporary file. Throws vlforge::Error on I/O errors.
  explicit WebDatasetWriter(const std::filesystem::path& tar);
  ~WebDatasetWriter();
  WebDatasetWriter(const WebDatasetWriter&) = delete;
  WebDatasetWriter& operator=(const WebDatasetWriter&) = delete;

  // KEY.<image_format> (when there is an image), KEY.txt, KEY.json (sample.json with "uid" set
  // to sample.uid; "{}" when empty). The key must be a safe relative name.
  void write(const Sample& sample);
  void write(const WebDatasetRecord& record);
  int64_t records() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes samples into DIR/PREFIX{00000000,00000001,...}.tar, `per_shard` samples each (the last
// may hold fewer); each shard is renamed into place when full, so the folder never holds a partial one.
class VLFORGE_API ShardedWebDatasetWriter {
 public:
  ShardedWebDatasetWriter(std::filesystem::path dir, int64_t per_shard, std::string prefix = "");
  ~ShardedWebDatasetWriter();
  void write(const Sample& sample);
  void close();
  // Shards written so far, in order.
  const std::vector<std::filesystem::path>& shards() const { return shards_; }
  int64_t samples() const { return samples_; }

 private:
  void open_next();

  std::filesystem::path dir_;
  int64_t per_shard_;
  std::string prefix_;
  std::unique_ptr<WebDatasetWriter> current_;
  std::vector<std::filesystem::path> shards_;
  int64_t samples_ = 0;
};

}  // namespace vlforge
