#include "host_fingerprint.hpp"

#include <algorithm>

#include "vlforge/fingerprint.hpp"

namespace vlforge::host {

const vlforge_fingerprint& host_fingerprint() {
  static const vlforge_fingerprint fp = VLFORGE_FINGERPRINT_INIT;
  return fp;
}

namespace {
std::string str(const char* s) { return s ? s : "(null)"; }
}  // namespace

std::vector<FingerprintRow> compare_fingerprints(const vlforge_fingerprint& h, const vlforge_fingerprint& p) {
  std::vector<FingerprintRow> rows = {
      {"sdk_abi_hash", str(h.sdk_abi_hash), str(p.sdk_abi_hash)},
      {"torch_version", str(h.torch_version), str(p.torch_version)},
      {"cuda_version", str(h.cuda_version), str(p.cuda_version)},
      {"compiler", str(h.compiler_id) + " " + std::to_string(h.compiler_major),
       str(p.compiler_id) + " " + std::to_string(p.compiler_major)},
      {"cxx11_abi", std::to_string(h.cxx11_abi), std::to_string(p.cxx11_abi)},
      {"cxx_standard", std::to_string(h.cxx_standard), std::to_string(p.cxx_standard)},
  };
  for (auto& r : rows) r.differs = r.host != r.plugin;
  return rows;
}

std::string fingerprint_table(const std::vector<FingerprintRow>& rows) {
  size_t w0 = 5, w1 = 4;
  for (const auto& r : rows) {
    w0 = std::max(w0, r.field.size());
    w1 = std::max(w1, r.host.size());
  }
  auto pad = [](std::string s, size_t w) { return s + std::string(w - std::min(w, s.size()), ' '); };
  std::string out = "  " + pad("field", w0) + "  " + pad("host", w1) + "  plugin\n";
  for (const auto& r : rows)
    out += "  " + pad(r.field, w0) + "  " + pad(r.host, w1) + "  " + r.plugin + (r.differs ? "   <- differs" : "") + "\n";
  return out;
}

}  // namespace vlforge::host
