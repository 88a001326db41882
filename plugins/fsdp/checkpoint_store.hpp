// CheckpointStore: the folder of a training stage's checkpoints, one subfolder per step.
//
//   checkpoints/step-00000200/   model/ (safetensors, Hugging Face names), optimizer/,
//                                trainer_state.json, checksums.json
//
// A checkpoint is written under "step-N.tmp" and renamed when complete, so a folder without the
// suffix is always whole; checksums.json (FNV-1a 64 of every file) is checked before a resume
// reads it. Only the newest keep_last checkpoints are kept.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace vlforge::fsdp {

class CheckpointStore {
 public:
  CheckpointStore(std::filesystem::path root, int64_t keep_last);

  const std::filesystem::path& root() const { return root_; }
  // The newest complete checkpoint, or nullopt when there is none.
  std::optional<std::filesystem::path> latest() const;
  // Deletes folders left by a write that did not finish.
  void remove_incomplete() const;
  // An empty temporary folder for step `step`.
  std::filesystem::path begin(int64_t step) const;
  // Checksums the temporary folder, renames it to its final name and deletes the oldest beyond
  // keep_last. Returns the final folder.
  std::filesystem::path commit(const std::filesystem::path& temporary, int64_t step) const;

  // Throws vlforge::Error naming the file whose checksum differs or that is missing.
  static void verify(const std::filesystem::path& checkpoint);
  static std::string folder_name(int64_t step);

 private:
  std::filesystem::path root_;
  int64_t keep_last_;
};

}  // namespace vlforge::fsdp
