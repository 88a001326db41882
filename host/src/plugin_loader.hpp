// Loading one plugin library: the handshake of docs/writing-a-plugin.md.
//
//   1. the file's symbol table must export `vlforge_plugin_entry` (read without loading it);
//   2. dlopen with RTLD_NOW | RTLD_LOCAL;
//   3. the descriptor's ABI major must equal the host's, its minor be no newer;
//   4. its build fingerprint must equal the host's (refused with a host-vs-plugin table);
//   5. registration runs into a staging list and is committed all-or-nothing.
// A refused plugin is reported with its file and reason; the host goes on with the others.
// Libraries are never unloaded: objects created from them may outlive any registry.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "registry.hpp"

namespace boost::dll {
class shared_library;
}

namespace vlforge::host {

struct LoadedPlugin {
  std::filesystem::path path;
  std::string name;
  std::string version;
  std::vector<std::string> components;  // "KIND/NAME", sorted
  std::shared_ptr<boost::dll::shared_library> library;
};

// Why a plugin was refused: `reason` is one line; `details` may add a multi-line table.
struct PluginRefusal {
  std::filesystem::path path;
  std::string reason;
  std::string details;

  std::string message() const { return path.string() + ": " + reason; }
};

class PluginLoader {
 public:
  explicit PluginLoader(Registry& registry) : registry_(registry) {}

  // Loads and registers one plugin; on refusal returns nullptr and records why.
  std::shared_ptr<const LoadedPlugin> load(const std::filesystem::path& library);

  const std::vector<std::shared_ptr<const LoadedPlugin>>& loaded() const { return loaded_; }
  const std::vector<PluginRefusal>& refused() const { return refused_; }
  // The refusal recorded for `library`, if any.
  const PluginRefusal* refusal(const std::filesystem::path& library) const;

 private:
  std::shared_ptr<const LoadedPlugin> refuse(const std::filesystem::path& library, std::string reason,
                                             std::string details = {});

  Registry& registry_;
  std::vector<std::shared_ptr<const LoadedPlugin>> loaded_;
  std::vector<PluginRefusal> refused_;
};

}  // namespace vlforge::host
