// Finding plugins: the search path and the component manifests next to each library.
//
// Search order: the recipe's `[plugins] paths`, then $VLFORGE_PLUGIN_PATH (colon-separated),
// then the plugin folder of the installation (<prefix>/lib/vlforge/plugins, found from the
// executable's location). A plugin is a file `vlforge_NAME.so`; the first one of a name wins.
// vlforge_add_plugin() writes `vlforge_NAME.json` beside it at build time, listing the
// components it provides, so a recipe loads only the plugins it uses. A manifest that no longer
// matches its library is caught when the plugin loads (PluginHost::require).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vlforge::host {

struct LoadedPlugin;

struct PluginManifest {
  std::string plugin;
  std::string version;
  std::vector<std::string> components;  // "KIND/NAME"
};

struct PluginFile {
  std::filesystem::path library;
  std::optional<PluginManifest> manifest;
  std::string manifest_problem;  // why there is no usable manifest, if there is none
};

std::filesystem::path manifest_path_for(const std::filesystem::path& library);
PluginManifest read_manifest(const std::filesystem::path& file);
// Written to a temporary name and renamed.
void write_manifest(const LoadedPlugin& plugin, const std::filesystem::path& file);

// The installation's plugin folder, relative to the running executable.
std::filesystem::path installed_plugin_dir();

// recipe paths, then VLFORGE_PLUGIN_PATH, then the installed folder.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::filesystem::path>& first);

class PluginCatalog {
 public:
  explicit PluginCatalog(std::vector<std::filesystem::path> search_path);

  const std::vector<std::filesystem::path>& search_path() const { return search_path_; }
  const std::vector<PluginFile>& files() const { return files_; }

  // The first plugin file whose manifest lists `use` ("KIND/NAME"), or nullptr.
  const PluginFile* provider(std::string_view use) const;
  // Every "KIND/NAME" listed by a manifest (of `kind` only, unless empty), sorted, unique.
  std::vector<std::string> known_components(std::string_view kind = {}) const;
  // Plugin files with no usable manifest.
  std::vector<const PluginFile*> unindexed() const;

 private:
  std::vector<std::filesystem::path> search_path_;
  std::vector<PluginFile> files_;
};

}  // namespace vlforge::host
