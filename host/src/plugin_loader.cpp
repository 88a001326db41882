#include "plugin_loader.hpp"

#include <algorithm>
#include <array>
#include <boost/dll/shared_library.hpp>

#include "elf_exports.hpp"
#include "host_fingerprint.hpp"
#include "vlforge/abi.h"
#include "vlforge/error.hpp"

namespace vlforge::host {

namespace {
// Plugin code may still be referenced at exit (static destructors, objects held elsewhere), so a
// library, once opened, stays mapped for the life of the process, refused or not.
void keep_loaded(std::shared_ptr<boost::dll::shared_library> lib) {
  static auto* forever = new std::vector<std::shared_ptr<boost::dll::shared_library>>();
  forever->push_back(std::move(lib));
}
}  // namespace

std::shared_ptr<const LoadedPlugin> PluginLoader::refuse(const std::filesystem::path& library, std::string reason,
                                                         std::string details) {
  refused_.push_back(PluginRefusal{library, std::move(reason), std::move(details)});
  return nullptr;
}

const PluginRefusal* PluginLoader::refusal(const std::filesystem::path& library) const {
  for (const auto& r : refused_)
    if (r.path == library) return &r;
  return nullptr;
}

std::shared_ptr<const LoadedPlugin> PluginLoader::load(const std::filesystem::path& library) {
  for (const auto& p : loaded_)
    if (p->path == library) return p;

  // 1. The entry symbol must be exported; checked from the file, before any of its code runs.
  try {
    const auto symbols = elf_exported_symbols(library);
    if (std::find(symbols.begin(), symbols.end(), VLFORGE_ENTRY_SYMBOL) == symbols.end())
      return refuse(library, std::string("no entry symbol '") + VLFORGE_ENTRY_SYMBOL +
                                 "' (not a vlforge plugin, or built without VLFORGE_PLUGIN)");
  } catch (const Error& e) {
    return refuse(library, e.reason());
  }

  // 2. Load with every symbol resolved now and nothing leaked into the global namespace.
  auto lib = std::make_shared<boost::dll::shared_library>();
  try {
    lib->load(library, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return refuse(library, std::string("cannot be loaded: ") + e.what());
  }
  keep_loaded(lib);
  const auto entry = reinterpret_cast<vlforge_entry_fn>(lib->get<void()>(VLFORGE_ENTRY_SYMBOL));
  const vlforge_plugin_descriptor* d = entry();
  if (d == nullptr) return refuse(library, "entry symbol returned no descriptor");

  // 3. ABI version.
  if (d->abi_major != VLFORGE_ABI_MAJOR || d->abi_minor > VLFORGE_ABI_MINOR) {
    return refuse(library, "wrong ABI version: plugin has " + std::to_string(d->abi_major) + "." +
                               std::to_string(d->abi_minor) + ", host supports " + std::to_string(VLFORGE_ABI_MAJOR) +
                               ".0 to " + std::to_string(VLFORGE_ABI_MAJOR) + "." + std::to_string(VLFORGE_ABI_MINOR) +
                               " (rebuild the plugin against this SDK)");
  }
  const std::string name = d->name ? d->name : "";
  const std::string version = d->version ? d->version : "";

  // 4. Build fingerprint.
  const auto rows = compare_fingerprints(host_fingerprint(), d->fingerprint);
  std::string differing;
  for (const auto& r : rows) {
    if (!r.differs) continue;
    if (!differing.empty()) differing += "; ";
    differing += r.field + ": host " + r.host + ", plugin " + r.plugin;
  }
  if (!differing.empty())
    return refuse(library, "plugin '" + name + "' was built for another toolchain (" + differing +
                               "; rebuild it against this SDK)", fingerprint_table(rows));

  // 5. Registration, all-or-nothing.
  if (d->register_components == nullptr) return refuse(library, "descriptor has no register_components function");
  StagingRegistrar staging;
  std::array<char, 1024> error{};
  const int rc = d->register_components(static_cast<Registrar*>(&staging), error.data(), error.size());
  if (rc != 0) return refuse(library, "registration of plugin '" + name + "' failed: " + std::string(error.data()));

  auto entries = staging.take();
  auto plugin = std::make_shared<LoadedPlugin>();
  plugin->path = library;
  plugin->name = name;
  plugin->version = version;
  plugin->library = std::move(lib);
  for (const auto& e : entries) plugin->components.push_back(e.use());
  std::sort(plugin->components.begin(), plugin->components.end());
  try {
    registry_.commit(plugin, std::move(entries));
  } catch (const Error& e) {
    return refuse(library, e.reason());
  }
  loaded_.push_back(plugin);
  return plugin;
}

}  // namespace vlforge::host
