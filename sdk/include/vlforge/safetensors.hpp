// Reading and writing safetensors, the checkpoint format of Hugging Face models.
//
// SafetensorsFile maps a file into memory and hands out tensors that view the mapping (no second
// copy: a 1 GB checkpoint costs 1 GB of page cache, not 2 GB of heap). Every offset, length,
// shape and dtype in the header is checked against the file before any tensor is made.
// Checkpoint opens a model folder: `model.safetensors`, or the shards listed by
// `model.safetensors.index.json`. Writers go through a temporary name and a rename.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/export.hpp"
#include "vlforge/trainable.hpp"

namespace vlforge {

struct SafetensorsEntry {
  std::string name;
  at::ScalarType dtype = at::kFloat;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offsets into the data section
  uint64_t end = 0;
};

class VLFORGE_API SafetensorsFile {
 public:
  // Throws vlforge::Error naming the file for a missing or unreadable file, a truncated or
  // malformed header, an unknown dtype, offsets beyond the file or overlapping, a size that does
  // not match dtype x shape.
  static std::shared_ptr<const SafetensorsFile> open(const std::filesystem::path& file);
  ~SafetensorsFile();

  const std::filesystem::path& path() const noexcept { return path_; }
  const std::vector<SafetensorsEntry>& entries() const noexcept { return entries_; }
  const SafetensorsEntry* find(std::string_view name) const;
  const std::map<std::string, std::string>& metadata() const noexcept { return metadata_; }

  // A CPU tensor viewing the mapped bytes (read-only data: clone before writing to it). The
  // tensor keeps the mapping alive.
  at::Tensor tensor(std::string_view name) const;

  // Drops the tensor's pages from this process's memory (they are read again from the file if
  // used): loaders call it once a tensor has been copied into its parameter, so that loading
  // costs the parameters' memory and not twice that.
  void release(std::string_view name) const;

 private:
  SafetensorsFile() = default;
  std::filesystem::path path_;
  std::vector<SafetensorsEntry> entries_;
  std::map<std::string, std::string> metadata_;
  struct Mapping;
  std::shared_ptr<Mapping> mapping_;
  uint64_t data_offset_ = 0;
};

// A Hugging Face model folder's weights, possibly sharded.
class VLFORGE_API Checkpoint {
 public:
  // `path`: a folder holding model.safetensors or model.safetensors.index.json, or one
  // .safetensors file.
  static Checkpoint open(const std::filesystem::path& path);

  const std::filesystem::path& path() const noexcept { return path_; }
  bool contains(std::string_view name) const;
  std::vector<std::string> names() const;  // sorted

  // The tensor `name`, converted to `dtype` (a view when no conversion is needed). With
  // `expected_shape`, a different shape is an error naming both shapes. A missing name is an
  // error naming the checkpoint and the closest names present.
  at::Tensor get(std::string_view name, at::ScalarType dtype = at::kFloat,
                 std::optional<std::vector<int64_t>> expected_shape = std::nullopt) const;

  // Copies every tensor of `params` (Hugging Face names) from the checkpoint, checking shapes;
  // names in `optional` may be absent (e.g. lm_head.weight of tied models). Tensors of the
  // checkpoint that no parameter takes are an error unless listed in `ignored`.
  void load_into(const std::vector<NamedTensor>& params, const std::vector<std::string>& optional = {},
                 const std::vector<std::string>& ignored = {}) const;

 private:
  std::filesystem::path path_;
  std::map<std::string, std::shared_ptr<const SafetensorsFile>, std::less<>> by_name_;
};

// "F32", "BF16", ... <-> at::ScalarType. Throws vlforge::Error for a dtype vlforge does not read.
VLFORGE_API at::ScalarType safetensors_dtype(std::string_view name);
VLFORGE_API std::string safetensors_dtype_name(at::ScalarType dtype);

// Writes `tensors` (contiguous copies are made as needed) to one file, atomically.
VLFORGE_API void save_safetensors(const std::filesystem::path& file, const std::vector<NamedTensor>& tensors,
                                  const std::map<std::string, std::string>& metadata = {});

// Writes `tensors` into `folder` as model.safetensors, or, when they exceed `max_shard_bytes`,
// as model-0000K-of-0000N.safetensors shards plus model.safetensors.index.json (the layout
// transformers reads). Returns the files written.
VLFORGE_API std::vector<std::filesystem::path> save_checkpoint(const std::filesystem::path& folder,
                                                               const std::vector<NamedTensor>& tensors,
                                                               uint64_t max_shard_bytes = 5ULL << 30);

}  // namespace vlforge
