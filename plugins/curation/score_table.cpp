#include "score_table.hpp"

#include <charconv>
#include <fstream>

#include "vlforge/error.hpp"
#include "vlforge/hash.hpp"

namespace vlforge::curation {

namespace {

constexpr std::string_view kSuffix = ".tsv";

bool is_plain_file_name(std::string_view s) {
  if (s.empty() || s.front() == '.') return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

}  // namespace

std::string shard_file_stem(std::string_view shard) {
  if (is_plain_file_name(shard)) return std::string(shard);
  const size_t slash = shard.find_last_of('/');
  std::string stem(slash == std::string_view::npos ? shard : shard.substr(slash + 1));
  for (char& c : stem)
    if (!is_plain_file_name(std::string_view(&c, 1))) c = '_';
  return stem + "-" + StableHash().add(shard).hex().substr(0, 8);
}

std::filesystem::path score_table_path(const std::filesystem::path& dir, std::string_view shard,
                                       std::string_view score_name) {
  return dir / (shard_file_stem(shard) + "." + std::string(score_name) + std::string(kSuffix));
}

std::optional<std::pair<std::string, std::string>> parse_score_table_name(const std::string& file_name) {
  if (!file_name.ends_with(kSuffix)) return std::nullopt;
  const std::string_view base = std::string_view(file_name).substr(0, file_name.size() - kSuffix.size());
  // Score names hold no '.', so the last one separates them from the shard stem.
  const size_t dot = base.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == base.size()) return std::nullopt;
  return std::make_pair(std::string(base.substr(0, dot)), std::string(base.substr(dot + 1)));
}

void check_column_name(std::string_view name, bool is_score_name, std::string_view where) {
  const bool bad_char = name.find_first_of(is_score_name ? "\t\n\r./" : "\t\n\r") != std::string_view::npos;
  if (name.empty() || bad_char || name == "uid")
    throw Error(std::string(where), "column name '" + std::string(name) +
                                        "' is not usable (a non-empty name other than 'uid', without tabs or "
                                        "newlines" + (is_score_name ? ", '.' or '/'" : "") + ")");
}

std::string format_double(double v) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

ScoreTableWriter::ScoreTableWriter(const std::filesystem::path& path, const std::string& score_name,
                                   const std::vector<std::string>& extra_fields)
    : file_(path), extras_(extra_fields.size()) {
  std::ostream& out = file_.stream();
  out << "uid\t" << score_name;
  for (const auto& f : extra_fields) out << '\t' << f;
  out << '\n';
}

void ScoreTableWriter::add(const std::string& uid, const ScoreRow& row) {
  if (row.extras.size() != extras_)
    throw Error(file_.target().string(), "scorer returned " + std::to_string(row.extras.size()) +
                                             " extra values for uid '" + uid + "' (its extra_fields() has " +
                                             std::to_string(extras_) + ")");
  std::ostream& out = file_.stream();
  out << uid << '\t' << format_double(row.score);
  for (const double e : row.extras) out << '\t' << format_double(e);
  out << '\n';
}

namespace {

std::vector<std::string> read_header(std::istream& in, const std::filesystem::path& path) {
  if (!in) throw Error(path.string(), "cannot open score table");
  std::string line;
  if (!std::getline(in, line) || !line.starts_with("uid\t"))
    throw Error(path.string() + ":1", "not a score table (the header must start with 'uid<TAB>')");
  const auto header = split_tabs(line);
  return {header.begin() + 1, header.end()};
}

}  // namespace

std::vector<std::string> read_score_table_columns(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return read_header(in, path);
}

ScoreTable read_score_table(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  ScoreTable table;
  table.path = path;
  table.columns = read_header(in, path);
  std::string line;
  int64_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const auto fields = split_tabs(line);
    const std::string where = path.string() + ":" + std::to_string(line_no);
    if (fields.size() != table.columns.size() + 1)
      throw Error(where, std::to_string(fields.size()) + " fields (the header has " +
                             std::to_string(table.columns.size() + 1) + ")");
    std::vector<double> values;
    values.reserve(table.columns.size());
    for (size_t c = 1; c < fields.size(); ++c) {
      double v = 0;
      const auto [end, ec] = std::from_chars(fields[c].data(), fields[c].data() + fields[c].size(), v);
      if (ec != std::errc() || end != fields[c].data() + fields[c].size())
        throw Error(where, "column '" + table.columns[c - 1] + "' holds '" + std::string(fields[c]) +
                               "' (expected a number)");
      values.push_back(v);
    }
    // A uid listed twice is the same sample emitted twice, with identical rows: keep the first.
    table.rows.emplace(std::string(fields[0]), std::move(values));
  }
  return table;
}

}  // namespace vlforge::curation
