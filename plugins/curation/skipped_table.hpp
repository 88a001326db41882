// skipped.tsv: every record a stage could not use, one line each, with a header line:
//   shard<TAB>key<TAB>reason<TAB>detail
// Tabs and line breaks inside a field become spaces, so the columns always hold.
#pragma once

#include <ostream>
#include <string_view>

#include "vlforge/interfaces/dataset.hpp"

namespace vlforge::curation {

void write_skipped_header(std::ostream& out);
void write_skipped_row(std::ostream& out, std::string_view shard, const SkippedRecord& record);

}  // namespace vlforge::curation
