// Runs one stage on a trained model folder, for the commands that need only the folder
// (`vlforge chat`, `serve`, `export`): the folder's model.toml names its components, and the host
// composes a one-stage recipe from it and the command's options.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "vlforge/value.hpp"

namespace vlforge::host {

struct ModelFolderRun {
  std::filesystem::path model;  // the folder: model.toml and safetensors with LLaVA names
  std::string stage;            // the stage's name and what it is called in messages: "chat"
  std::string use;              // "stage/chat"
  std::vector<std::pair<std::string, Value>> keys;  // the stage's other keys
  std::filesystem::path run_dir;                    // empty: a temporary folder, removed afterwards
  std::vector<std::string> overrides;               // --set values, as `vlforge run` takes them
};

// The recipe text. Throws vlforge::Error when the folder has no model.toml.
std::string model_folder_recipe(const ModelFolderRun& run, const std::filesystem::path& run_dir);

// Prepares and runs that recipe in this process.
void run_on_model_folder(const ModelFolderRun& run);

}  // namespace vlforge::host
