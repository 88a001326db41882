// Reading the tab-separated tables stages write (score tables, kept.tsv) in tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vlforge::test {

using TsvRow = std::vector<std::string>;

// Every line split on tabs; with `skip_header` the first line is dropped.
std::vector<TsvRow> read_tsv(const std::filesystem::path& file, bool skip_header);

}  // namespace vlforge::test
