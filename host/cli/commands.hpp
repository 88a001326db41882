// The subcommands of the `vlforge` executable; each adds itself to the CLI11 app.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace vlforge::cli {

// Each returns the action to run when its subcommand was chosen; the action returns the exit code.
using Action = std::function<int()>;

Action add_run_command(CLI::App& app);
Action add_check_command(CLI::App& app);
Action add_plugins_command(CLI::App& app);
Action add_describe_command(CLI::App& app);
Action add_version_command(CLI::App& app);
Action add_launch_command(CLI::App& app);
Action add_chat_command(CLI::App& app);
Action add_serve_command(CLI::App& app);
Action add_export_command(CLI::App& app);

}  // namespace vlforge::cli
