#include "tsv_table.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "vlforge/error.hpp"

namespace vlforge::mcq_eval {

namespace {

// Splits `text` into records of fields, remembering the line each record starts on.
std::vector<TsvTable::Row> split_records(const std::string& text, const std::filesystem::path& file) {
  std::vector<TsvTable::Row> records;
  size_t line = 1;
  size_t i = 0;
  while (i < text.size()) {
    TsvTable::Row row;
    row.line = line;
    std::string field;
    bool record_done = false;
    while (!record_done) {
      field.clear();
      if (i < text.size() && text[i] == '"') {
        const size_t opened = line;
        ++i;
        while (true) {
          if (i >= text.size())
            throw Error(file.string() + ":" + std::to_string(opened), "a quoted field is never closed");
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i++];
        }
      }
      while (i < text.size() && text[i] != '\t' && text[i] != '\n') field += text[i++];
      if (!field.empty() && field.back() == '\r') field.pop_back();
      row.fields.push_back(field);
      if (i >= text.size()) {
        record_done = true;
      } else if (text[i] == '\t') {
        ++i;
      } else {  // newline
        ++i;
        ++line;
        record_done = true;
      }
    }
    const bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) records.push_back(std::move(row));
  }
  return records;
}

}  // namespace

TsvTable TsvTable::read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), "cannot be read (missing file or no permission)");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);  // a UTF-8 byte order mark

  TsvTable table;
  table.file_ = file;
  std::vector<Row> records = split_records(text, file);
  if (records.empty()) throw Error(file.string(), "is empty (expected a header line naming the columns)");
  table.header_ = std::move(records.front().fields);
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].fields.size() != table.header_.size())
      throw Error(table.where(records[r]), "has " + std::to_string(records[r].fields.size()) +
                                               " tab-separated fields, the header has " +
                                               std::to_string(table.header_.size()));
    table.rows_.push_back(std::move(records[r]));
  }
  return table;
}

std::optional<size_t> TsvTable::find_column(std::string_view name) const {
  const auto it = std::find(header_.begin(), header_.end(), name);
  if (it == header_.end()) return std::nullopt;
  return static_cast<size_t>(it - header_.begin());
}

size_t TsvTable::column(std::string_view name) const {
  if (const auto c = find_column(name)) return *c;
  throw Error(file_.string() + ":1", "the header has no column '" + std::string(name) + "'");
}

std::string TsvTable::where(const Row& row) const { return file_.string() + ":" + std::to_string(row.line); }

bool is_missing_cell(std::string_view cell) {
  static constexpr std::array<std::string_view, 7> kMissing = {"", "nan", "NaN", "NA", "N/A", "null", "None"};
  return std::find(kMissing.begin(), kMissing.end(), cell) != kMissing.end();
}

}  // namespace vlforge::mcq_eval
