// The plugins of one host process: catalog (what is on the search path), loader (handshake)
// and registry (what is loaded). Components are loaded on demand, by name.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "plugin_catalog.hpp"
#include "plugin_loader.hpp"
#include "registry.hpp"
#include "vlforge/source_location.hpp"

namespace vlforge::host {

class PluginHost {
 public:
  explicit PluginHost(std::vector<std::filesystem::path> search_path);

  // Makes "KIND/NAME" available, loading the plugin whose manifest lists it. Throws
  // vlforge::Error at `where` for an unknown component (listing those of its kind) or a refused
  // plugin (with the reason).
  void require(const std::string& use, const SourceLocation& where);
  // Loads every plugin on the search path (for `vlforge plugins`); refusals are recorded.
  void load_all();

  Registry& registry() { return registry_; }
  const Registry& registry() const { return registry_; }
  const PluginCatalog& catalog() const { return catalog_; }
  const PluginLoader& loader() const { return loader_; }

 private:
  Registry registry_;
  PluginLoader loader_{registry_};
  PluginCatalog catalog_;
};

}  // namespace vlforge::host
