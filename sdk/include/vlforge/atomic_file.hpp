// vlforge::AtomicFile: writes a file under a temporary name in the same folder and renames it
// into place on commit(), so readers (and a resumed run) see either the old file or the whole new
// one. Stages use it for every output that marks work as done.
#pragma once

#include <filesystem>
#include <fstream>
#include <string_view>

#include "vlforge/export.hpp"

namespace vlforge {

class VLFORGE_API AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();  // an uncommitted file is removed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  // Flushes, checks that every write succeeded and renames over the target.
  void commit();

  const std::filesystem::path& target() const { return target_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::ofstream out_;
  bool committed_ = false;
};

// Writes `text` to `target` atomically.
VLFORGE_API void write_file_atomically(const std::filesystem::path& target, std::string_view text);

}  // namespace vlforge
