#include "plugin_host.hpp"

#include <algorithm>

#include "vlforge/did_you_mean.hpp"
#include "vlforge/error.hpp"

namespace vlforge::host {

PluginHost::PluginHost(std::vector<std::filesystem::path> search_path) : catalog_(std::move(search_path)) {}

void PluginHost::require(const std::string& use, const SourceLocation& where) {
  if (registry_.find(use)) return;
  const PluginFile* file = catalog_.provider(use);
  if (file == nullptr) {
    const auto slash = use.find('/');
    const std::string kind = slash == std::string::npos ? use : use.substr(0, slash);
    std::vector<std::string> same_kind = catalog_.known_components(kind);
    std::string msg = "unknown component '" + use + "'";
    if (same_kind.empty()) {
      msg += " (no plugin on the search path provides a " + kind + "; known components: " +
             join(catalog_.known_components()) + ")";
    } else {
      msg += suggestion_suffix(use, same_kind, "available");
      if (msg.find("did you mean") != std::string::npos) msg += " (available: " + join(same_kind) + ")";
    }
    if (const auto missing = catalog_.unindexed(); !missing.empty())
      msg += "; " + std::to_string(missing.size()) + " plugin(s) without a manifest were not searched";
    throw Error(where.str(), msg);
  }
  if (!loader_.load(file->library)) {
    const PluginRefusal* r = loader_.refusal(file->library);
    throw Error(where.str(), "component '" + use + "' comes from " + file->library.string() +
                                 ", which was refused: " + (r ? r->reason : "unknown reason"));
  }
  if (!registry_.find(use))
    throw Error(where.str(), "plugin " + file->library.string() + " lists '" + use +
                                 "' in its manifest but did not register it (stale manifest: rebuild the plugin)");
}

void PluginHost::load_all() {
  for (const auto& f : catalog_.files()) loader_.load(f.library);
}

}  // namespace vlforge::host
