#include <memory>

#include "commands.hpp"
#include "local_launcher.hpp"

namespace vlforge::cli {

Action add_launch_command(CLI::App& app) {
  auto opt = std::make_shared<host::LaunchOptions>();
  auto* cmd = app.add_subcommand("launch", "Run N ranks of a vlforge command on this machine: vlforge launch --nproc 2 -- run RECIPE");
  cmd->add_option("--nproc", opt->nproc, "number of ranks (processes)")->required()->check(CLI::Range(1, 1024));
  cmd->add_option("--master-port", opt->master_port, "rendezvous port on 127.0.0.1 (default: a free one)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("command", opt->command, "the vlforge command each rank runs, after --")->required();
  cmd->prefix_command(false);
  return [opt] { return host::launch_local(*opt); };
}

}  // namespace vlforge::cli
