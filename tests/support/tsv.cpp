#include "tsv.hpp"

#include <fstream>
#include <stdexcept>

namespace vlforge::test {

std::vector<TsvRow> read_tsv(const std::filesystem::path& file, bool skip_header) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::vector<TsvRow> rows;
  bool first = true;
  for (std::string line; std::getline(in, line);) {
    if (first && skip_header) {
      first = false;
      continue;
    }
    first = false;
    TsvRow row;
    size_t start = 0;
    while (true) {
      const size_t tab = line.find('\t', start);
      row.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace vlforge::test
