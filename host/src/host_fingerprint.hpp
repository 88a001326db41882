// The host's own build fingerprint, and the comparison a plugin must pass before it registers.
#pragma once

#include <string>
#include <vector>

#include "vlforge/abi.h"

namespace vlforge::host {

const vlforge_fingerprint& host_fingerprint();

struct FingerprintRow {
  std::string field;
  std::string host;
  std::string plugin;
  bool differs = false;
};

// One row per fingerprint field, host value beside plugin value.
std::vector<FingerprintRow> compare_fingerprints(const vlforge_fingerprint& host, const vlforge_fingerprint& plugin);

// The rows rendered as an aligned table.
std::string fingerprint_table(const std::vector<FingerprintRow>& rows);

}  // namespace vlforge::host
