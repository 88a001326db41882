#include "skipped_table.hpp"

#include <string>

namespace vlforge::curation {

namespace {

std::string tsv_field(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return out;
}

}  // namespace

void write_skipped_header(std::ostream& out) { out << "shard\tkey\treason\tdetail\n"; }

void write_skipped_row(std::ostream& out, std::string_view shard, const SkippedRecord& record) {
  out << tsv_field(shard) << '\t' << tsv_field(record.key) << '\t' << tsv_field(record.reason) << '\t'
      << tsv_field(record.detail) << '\n';
}

}  // namespace vlforge::curation
