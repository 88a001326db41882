#include <memory>

#include "commands.hpp"
#include "model_folder_run.hpp"

namespace vlforge::cli {

Action add_export_command(CLI::App& app) {
  struct Args {
    std::string model, out, dtype = "float32";
    std::vector<std::string> sets;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "export", "Export a trained model: the LLM as a Hugging Face folder, the vision tower and projector beside it");
  cmd->add_option("--checkpoint,--model", args->model, "a model folder written by stage/train (STAGE/model)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", args->out, "the folder to write (must not exist or be empty)")->required();
  cmd->add_option("--dtype", args->dtype, "dtype of the exported weights")
      ->check(CLI::IsMember({"float32", "bfloat16", "float16"}));
  cmd->add_option("--set", args->sets, "override a stage key: stage.export.KEY=VALUE");
  return [args] {
    host::ModelFolderRun run;
    run.model = args->model;
    run.stage = "export";
    run.use = "stage/export";
    run.keys = {{"out", Value(std::filesystem::absolute(args->out).string())}, {"dtype", Value(args->dtype)}};
    run.overrides = args->sets;
    host::run_on_model_folder(run);
    return 0;
  };
}

}  // namespace vlforge::cli
