// Writing DataComp-style uid lists in tests: NumPy's .npy v1.0 layout, byte by byte.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vlforge::test {

// `uids` are 32 hex digits each, stored as (first 16, last 16) uint64 pairs. `descr` and
// `shape` are the header's values, e.g. "[('f0', '<u8'), ('f1', '<u8')]" and "(N,)", so tests
// can also write wrong ones; `sort` as datacomp does before np.save.
void write_npy_uids(const std::filesystem::path& path, const std::vector<std::string>& uids,
                    const std::string& descr = "[('f0', '<u8'), ('f1', '<u8')]", const std::string& shape = {},
                    bool sort = true);

}  // namespace vlforge::test
