// A DataComp / DFN uid list: a NumPy .npy file of 128-bit uids, each a pair of uint64 (the first
// and last 16 hex digits of the uid), sorted, as datacomp's baselines write it:
//
//   np.array([(int(u[:16], 16), int(u[16:32], 16)) for u in uids], np.dtype("u8,u8")).sort()
//
// The file is memory-mapped, not read: DFN's list for DataComp-large holds over a hundred million
// uids. Every header field is checked before any uid is read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace vlforge::selectors {

using Uid128 = std::pair<uint64_t, uint64_t>;

// "0123...cdef" (32 hex digits, either case) -> the pair the .npy files store; nullopt otherwise.
std::optional<Uid128> parse_uid128(std::string_view uid);

class NpyUidList {
 public:
  // Throws vlforge::Error naming the file when it is not a .npy of shape (N,) with two
  // little-endian uint64 fields, or of shape (N, 2) little-endian uint64 in C order.
  explicit NpyUidList(const std::filesystem::path& path);
  ~NpyUidList();
  NpyUidList(const NpyUidList&) = delete;
  NpyUidList& operator=(const NpyUidList&) = delete;

  size_t size() const { return uids_.size(); }
  bool contains(const Uid128& uid) const;
  // False when the file was not sorted, so lookups run on a sorted copy in memory.
  bool was_sorted() const { return sorted_copy_.empty(); }

 private:
  struct Mapping;
  std::unique_ptr<Mapping> mapping_;
  std::span<const Uid128> uids_;
  std::vector<Uid128> sorted_copy_;
};

}  // namespace vlforge::selectors
