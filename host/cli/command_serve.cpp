#include <memory>

#include "commands.hpp"
#include "model_folder_run.hpp"

namespace vlforge::cli {

Action add_serve_command(CLI::App& app) {
  struct Args {
    std::string model, host = "127.0.0.1", run_dir;
    int64_t port = 8000;
    std::vector<std::string> sets;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "serve", "Serve a trained model over HTTP (OpenAI-compatible POST /v1/chat/completions) until Ctrl-C");
  cmd->add_option("--checkpoint,--model", args->model, "a model folder written by stage/train (STAGE/model)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--host", args->host, "address to bind (default: loopback only)");
  cmd->add_option("--port", args->port, "port (0: any free one)")->check(CLI::Range(0, 65535));
  cmd->add_option("--run-dir", args->run_dir, "folder for server.json and logs (default: a temporary one)");
  cmd->add_option("--set", args->sets, "override a stage key: stage.serve.KEY=VALUE (max_batch=32, ...)");
  return [args] {
    host::ModelFolderRun run;
    run.model = args->model;
    run.stage = "serve";
    run.use = "stage/serve";
    run.keys = {{"host", Value(args->host)}, {"port", Value(args->port)}};
    run.run_dir = args->run_dir;
    run.overrides = args->sets;
    host::run_on_model_folder(run);
    return 0;
  };
}

}  // namespace vlforge::cli
