#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "prepared_recipe.hpp"

namespace vlforge::cli {

Action add_check_command(CLI::App& app) {
  struct Args {
    std::string recipe;
    std::vector<std::string> sets;
    bool print = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("check", "Validate a recipe against its components' schemas without running it or loading weights");
  cmd->add_option("recipe", args->recipe, "recipe file (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--set", args->sets, "override a value, as for `run`");
  cmd->add_flag("--print", args->print, "print every stage's resolved config (defaults filled in)");
  return [args] {
    auto p = host::prepare_recipe(args->recipe, args->sets);
    const auto& r = p.resolved;
    std::printf("%s: OK\n", args->recipe.c_str());
    std::printf("  run     %s -> %s (seed %lld, %s)\n", r.run.name.c_str(), r.run_dir.string().c_str(),
                static_cast<long long>(r.run.seed), r.run.device.c_str());
    for (size_t i = 0; i < r.stages.size(); ++i) {
      const auto& s = r.stages[i];
      std::printf("  stage %zu %-14s %s\n", i + 1, s.name.c_str(), s.spec.use().c_str());
      if (args->print) std::printf("          %s\n", s.spec.config.to_string().c_str());
    }
    for (const auto& plugin : p.plugins->loader().loaded())
      std::printf("  plugin  %s %s (%s)\n", plugin->name.c_str(), plugin->version.c_str(), plugin->path.string().c_str());
    return 0;
  };
}

}  // namespace vlforge::cli
