#include <algorithm>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "plugin_host.hpp"
#include "vlforge/error.hpp"

namespace vlforge::cli {

Action add_describe_command(CLI::App& app) {
  struct Args {
    std::string use;
    std::vector<std::string> paths;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("describe", "Print a component's config schema: keys, types, defaults, ranges, docs");
  cmd->add_option("component", args->use, "KIND/NAME, e.g. selector/threshold")->required();
  cmd->add_option("--path", args->paths, "extra plugin folder, searched first (repeatable)");
  return [args] {
    std::vector<std::filesystem::path> first(args->paths.begin(), args->paths.end());
    host::PluginHost plugins(host::plugin_search_path(first));
    plugins.require(args->use, SourceLocation{"describe", 0, 0});
    const auto* entry = plugins.registry().find(args->use);
    const auto& schema = entry->component.schema;
    std::printf("%s  (plugin %s %s, %s)\n", args->use.c_str(), entry->plugin->name.c_str(),
                entry->plugin->version.c_str(), entry->plugin->path.string().c_str());
    if (!schema.doc.empty()) std::printf("\n  %s\n", schema.doc.c_str());
    if (schema.fields.empty()) {
      std::printf("\n  (no config keys)\n");
      return 0;
    }
    size_t w = 3;
    for (const auto& f : schema.fields) w = std::max(w, f.name.size());
    std::printf("\n");
    for (const auto& f : schema.fields) {
      std::printf("  %-*s  %s\n", static_cast<int>(w), f.name.c_str(), f.summary().c_str());
      std::printf("  %-*s  %s\n", static_cast<int>(w), "", f.doc.c_str());
    }
    return 0;
  };
}

}  // namespace vlforge::cli
