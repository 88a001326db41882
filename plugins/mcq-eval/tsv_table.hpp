// A tab-separated benchmark file as VLMEvalKit distributes them (MMBench_DEV_EN.tsv, MMStar.tsv,
// AI2D_TEST.tsv, MMMU_DEV_VAL.tsv): a header line naming the columns, one row per line. Fields are
// read as pandas' read_csv(sep="\t") reads them: a field that starts with a double quote runs to
// the closing quote ("" inside stands for one quote) and may span lines; any other field runs to
// the next tab or line end.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vlforge::mcq_eval {

class TsvTable {
 public:
  struct Row {
    size_t line = 0;  // where the row starts in the file, from 1 (the header is line 1)
    std::vector<std::string> fields;
  };

  // Reads the whole file; a row with another number of fields than the header is an error
  // naming FILE:LINE.
  static TsvTable read(const std::filesystem::path& file);

  const std::filesystem::path& file() const { return file_; }
  const std::vector<std::string>& header() const { return header_; }
  const std::vector<Row>& rows() const { return rows_; }

  // The column's position; an error naming the file when the header lacks it.
  size_t column(std::string_view name) const;
  std::optional<size_t> find_column(std::string_view name) const;

  // "FILE:LINE" for errors about a row.
  std::string where(const Row& row) const;

 private:
  std::filesystem::path file_;
  std::vector<std::string> header_;
  std::vector<Row> rows_;
};

// pandas reads "", "nan", "NaN", "NA", "N/A", "null" and "None" as missing: such a cell is empty.
bool is_missing_cell(std::string_view cell);

}  // namespace vlforge::mcq_eval
