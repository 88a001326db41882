// Score tables: what stage/score writes and stage/filter reads, one per (shard, scorer).
//
//   scores/<shard>.<score_name>.tsv
//   uid<TAB><score_name>[<TAB><extra field>...]
//   <uid><TAB><score>[<TAB><extra>...]
//
// Numbers are written in their shortest round-trip form ("0.1", "85", "nan"). A shard whose name
// is not a plain file name (tar shards are paths) is named by its last path component plus a
// hash of the whole name, so two shards never share a table.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vlforge/atomic_file.hpp"
#include "vlforge/interfaces/scorer.hpp"

namespace vlforge::curation {

// The file-name stem of a shard's outputs.
std::string shard_file_stem(std::string_view shard);

std::filesystem::path score_table_path(const std::filesystem::path& dir, std::string_view shard,
                                       std::string_view score_name);

// (shard stem, score name) of a score table's file name, or nullopt for any other file.
std::optional<std::pair<std::string, std::string>> parse_score_table_name(const std::string& file_name);

// Throws when `name` cannot be a column (and, for a main score, part of a file name).
void check_column_name(std::string_view name, bool is_score_name, std::string_view where);

// Shortest text that reads back as the same double.
std::string format_double(double v);

class ScoreTableWriter {
 public:
  ScoreTableWriter(const std::filesystem::path& path, const std::string& score_name,
                   const std::vector<std::string>& extra_fields);

  void add(const std::string& uid, const ScoreRow& row);
  void commit() { file_.commit(); }

 private:
  AtomicFile file_;
  size_t extras_;
};

struct ScoreTable {
  std::filesystem::path path;
  std::vector<std::string> columns;  // after uid
  std::unordered_map<std::string, std::vector<double>> rows;  // uid -> one value per column

  const std::vector<double>* find(const std::string& uid) const {
    const auto it = rows.find(uid);
    return it == rows.end() ? nullptr : &it->second;
  }
};

ScoreTable read_score_table(const std::filesystem::path& path);
// Only the header's columns (after uid): enough to check a table before reading it.
std::vector<std::string> read_score_table_columns(const std::filesystem::path& path);

}  // namespace vlforge::curation
