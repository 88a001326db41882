#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "plugin_host.hpp"
#include "vlforge/error.hpp"

namespace vlforge::cli {

namespace {

int write_manifest(const std::string& library) {
  host::Registry registry;
  host::PluginLoader loader(registry);
  const auto plugin = loader.load(std::filesystem::absolute(library));
  if (!plugin) {
    const auto& r = loader.refused().front();
    throw Error(r.path.string(), r.reason + (r.details.empty() ? "" : "\n" + r.details));
  }
  const auto file = host::manifest_path_for(library);
  host::write_manifest(*plugin, file);
  std::printf("%s: %zu component(s) of plugin %s\n", file.string().c_str(), plugin->components.size(),
              plugin->name.c_str());
  return 0;
}

}  // namespace

Action add_plugins_command(CLI::App& app) {
  struct Args {
    std::vector<std::string> paths;
    std::string manifest;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("plugins", "List the plugins on the search path: name, version, file, components, and why any were refused");
  cmd->add_option("--path", args->paths, "extra plugin folder, searched first (repeatable)");
  cmd->add_option("--write-manifest", args->manifest, "load one plugin file and write its component manifest beside it");
  return [args] {
    if (!args->manifest.empty()) return write_manifest(args->manifest);
    std::vector<std::filesystem::path> first(args->paths.begin(), args->paths.end());
    host::PluginHost plugins(host::plugin_search_path(first));
    plugins.load_all();
    std::printf("search path:\n");
    for (const auto& d : plugins.catalog().search_path()) std::printf("  %s\n", d.string().c_str());
    std::printf("\n");
    for (const auto& p : plugins.loader().loaded()) {
      std::printf("%s %s  %s\n", p->name.c_str(), p->version.c_str(), p->path.string().c_str());
      for (const auto& c : p->components) std::printf("    %s\n", c.c_str());
    }
    for (const auto& r : plugins.loader().refused()) {
      std::printf("refused: %s\n", r.message().c_str());
      if (!r.details.empty()) std::printf("%s", r.details.c_str());
    }
    for (const auto* f : plugins.catalog().unindexed())
      std::printf("note: %s: %s\n", f->library.string().c_str(), f->manifest_problem.c_str());
    std::printf("\n%zu plugin(s) loaded, %zu refused\n", plugins.loader().loaded().size(),
                plugins.loader().refused().size());
    return 0;
  };
}

}  // namespace vlforge::cli
