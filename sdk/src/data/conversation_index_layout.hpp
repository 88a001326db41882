// index.bin of a conversation index: a 24-byte header, then one fixed-size record per sample, so
// the loader memory-maps it and finds sample i at a computed offset (memory stays flat in the
// number of samples). Little-endian:
//
//   "VLCONVIX" | u32 version (1) | u32 record bytes (8) | u64 count
//   per sample: u32 length (tokens, placeholders expanded) | u32 images
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace vlforge::conversation_index {

inline constexpr std::string_view kMagic = "VLCONVIX";
inline constexpr uint32_t kVersion = 1;
inline constexpr uint64_t kHeaderBytes = 24;
inline constexpr uint32_t kRecordBytes = 8;

inline constexpr std::string_view kIndexFile = "index.bin";
inline constexpr std::string_view kMetaFile = "meta.json";
inline constexpr std::string_view kSkippedFile = "skipped.tsv";
inline constexpr std::string_view kSamplesFolder = "samples";
inline constexpr std::string_view kFormat = "vlforge-conversations";

// Folders of 1000 samples each, so no folder of a 10M-sample index gets huge.
inline constexpr int64_t kSamplesPerFolder = 1000;

// samples/NNNNNN/NNNNNNNNN.bin, relative to the index folder.
inline std::filesystem::path sample_file(int64_t sample) {
  char folder[32], name[32];
  std::snprintf(folder, sizeof folder, "%06lld", static_cast<long long>(sample / kSamplesPerFolder));
  std::snprintf(name, sizeof name, "%09lld.bin", static_cast<long long>(sample));
  return std::filesystem::path(kSamplesFolder) / folder / name;
}

}  // namespace vlforge::conversation_index
