#include <memory>

#include "commands.hpp"
#include "model_folder_run.hpp"

namespace vlforge::cli {

Action add_chat_command(CLI::App& app) {
  struct Args {
    std::string model, image, system, prompt;
    int64_t max_tokens = 256;
    double temperature = 0.0;
    std::vector<std::string> sets;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "chat", "Chat with a trained model: one streamed answer to PROMPT, or an interactive session without one");
  cmd->add_option("--checkpoint,--model", args->model, "a model folder written by stage/train (STAGE/model)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--image", args->image, "an image the message is about")->check(CLI::ExistingFile);
  cmd->add_option("--system", args->system, "a system message");
  cmd->add_option("--max-tokens", args->max_tokens, "the longest answer, in tokens")->check(CLI::PositiveNumber);
  cmd->add_option("--temperature", args->temperature, "sampling temperature; 0 answers greedily")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--set", args->sets, "override a stage key: stage.chat.KEY=VALUE");
  cmd->add_option("prompt", args->prompt, "the message; leave it out for an interactive session");
  return [args] {
    host::ModelFolderRun run;
    run.model = args->model;
    run.stage = "chat";
    run.use = "stage/chat";
    run.keys = {{"prompt", Value(args->prompt)}, {"image", Value(args->image)}, {"system", Value(args->system)},
                {"max_new_tokens", Value(args->max_tokens)}, {"temperature", Value(args->temperature)}};
    run.overrides = args->sets;
    host::run_on_model_folder(run);
    return 0;
  };
}

}  // namespace vlforge::cli
