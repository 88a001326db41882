// Tar shards to cut for the WebDataset tests: header offsets, truncated copies.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "file_bytes.hpp"

namespace vlforge::test {

// Offset of the 512-byte tar header whose name field is `name`; throws when there is none.
size_t tar_header_offset(const std::vector<uint8_t>& tar, const std::string& name);

// Copies `tar` cut to its first `size` bytes.
void write_cut(const std::filesystem::path& tar, size_t size, const std::filesystem::path& out);

}  // namespace vlforge::test
