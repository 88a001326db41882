// vlforge: run, check and inspect recipes; list and describe plugins.
#include <algorithm>
#include <cstdio>
#include <string>
#include <map>

#include "commands.hpp"
#include "vlforge/build_config.h"
#include "vlforge/error.hpp"
#include "vlforge/logger.hpp"

int main(int argc, char** argv) {
  CLI::App app{"vlforge: train multimodal LLMs from TOML recipes of plug-in components"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("vlforge ") + VLFORGE_VERSION_STRING);
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "log debug messages");
  app.add_flag("-q,--quiet", quiet, "log warnings and errors only");

  std::map<CLI::App*, vlforge::cli::Action> actions;
  for (auto add : {vlforge::cli::add_run_command, vlforge::cli::add_check_command, vlforge::cli::add_plugins_command,
                   vlforge::cli::add_describe_command, vlforge::cli::add_version_command,
                   vlforge::cli::add_launch_command, vlforge::cli::add_chat_command,
                   vlforge::cli::add_serve_command, vlforge::cli::add_export_command}) {
    const size_t before = app.get_subcommands({}).size();
    vlforge::cli::Action action = add(app);
    actions[app.get_subcommands({}).at(before)] = std::move(action);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (verbose) vlforge::Logger::set_threshold(vlforge::Logger::Level::debug);
  if (quiet) vlforge::Logger::set_threshold(vlforge::Logger::Level::warn);

  try {
    for (auto& [sub, action] : actions)
      if (sub->parsed()) return action();
  } catch (const std::exception& e) {
    // One line per problem (recipe validation reports every problem it finds).
    const std::string text = e.what();
    size_t start = 0;
    while (start < text.size()) {
      const size_t end = std::min(text.find('\n', start), text.size());
      std::fprintf(stderr, "error: %s\n", text.substr(start, end - start).c_str());
      start = end + 1;
    }
    return 1;
  }
  return 0;
}
