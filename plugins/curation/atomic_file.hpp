// AtomicFile: writes a file under a temporary name in the same folder and renames it into place
// on commit(), so readers (and a resumed run) see either the old file or the whole new one.
#pragma once

#include <filesystem>
#include <fstream>
#include <string_view>

namespace vlforge::curation {

class AtomicFile {
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
void write_file_atomically(const std::filesystem::path& target, std::string_view text);

}  // namespace vlforge::curation
