#include "vlforge/source_location.hpp"

namespace vlforge {

std::string SourceLocation::str() const {
  if (file.empty()) return "<unknown>";
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace vlforge
