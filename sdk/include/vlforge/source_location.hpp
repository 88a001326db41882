// Where a configuration value came from: a recipe file position, or an override such as `--set`.
#pragma once

#include <string>

#include "vlforge/export.hpp"

namespace vlforge {

struct VLFORGE_API SourceLocation {
  std::string file;  // recipe path, or "--set" for command-line overrides
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;

  // "file:line:col", "file" or "<unknown>".
  std::string str() const;
};

}  // namespace vlforge
