#include <memory>

#include "commands.hpp"
#include "prepared_recipe.hpp"
#include "process_env.hpp"
#include "stage_runner.hpp"
#include "store_rank_sync.hpp"
#include "vlforge/logger.hpp"

namespace vlforge::cli {

Action add_run_command(CLI::App& app) {
  struct Args {
    std::string recipe;
    std::vector<std::string> sets;
    std::string only, from;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("run", "Run a recipe's stages in order, skipping finished ones and resuming an interrupted one");
  cmd->add_option("recipe", args->recipe, "recipe file (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--set", args->sets, "override a value: stage.NAME.KEY=VALUE, run.seed=1, components.X.KEY=VALUE")
      ->allow_extra_args(false);
  auto* only = cmd->add_option("--only", args->only, "run only this stage (again, even if finished)");
  cmd->add_option("--from", args->from, "run this stage and every one after it (again)")->excludes(only);
  return [args] {
    auto prepared = host::prepare_recipe(args->recipe, args->sets);
    const auto place = host::process_place_from_env();
    host::RunOptions opt;
    if (!args->only.empty()) opt.only = args->only;
    if (!args->from.empty()) opt.from = args->from;
    opt.rank = place.rank;
    opt.world_size = place.world_size;
    opt.local_rank = place.local_rank;
    std::unique_ptr<host::StoreRankSync> sync;
    if (place.world_size > 1) {
      sync = std::make_unique<host::StoreRankSync>(place, std::chrono::seconds(prepared.resolved.run.sync_timeout_s));
      opt.sync = sync.get();
    }
    host::StageRunner runner(prepared.resolved, *prepared.plugins);
    const auto reports = runner.run(opt);
    if (sync) sync->close();
    size_t ran = 0, skipped = 0;
    for (const auto& r : reports) (r.outcome == host::StageOutcome::skipped ? skipped : ran) += 1;
    Logger("run", place.rank)
        .info("recipe '", prepared.resolved.run.name, "' finished: ", ran, " stage(s) run, ", skipped,
              " skipped; outputs in ", prepared.resolved.run_dir.string());
    return 0;
  };
}

}  // namespace vlforge::cli
