#include "model_folder_run.hpp"

#include <stdlib.h>

#include <fstream>
#include <sstream>

#include "prepared_recipe.hpp"
#include "process_env.hpp"
#include "stage_runner.hpp"
#include "vlforge/error.hpp"

namespace vlforge::host {

namespace fs = std::filesystem;

namespace {

// A folder under the system's temporary folder, removed with this object.
class TemporaryRunDir {
 public:
  explicit TemporaryRunDir(const std::string& stage) {
    std::string pattern = (fs::temp_directory_path() / ("vlforge-" + stage + "-XXXXXX")).string();
    if (!mkdtemp(pattern.data())) throw Error(pattern, "cannot create a temporary run folder");
    path_ = pattern;
  }
  ~TemporaryRunDir() {
    std::error_code ignored;  // best effort: a leftover temporary folder harms nothing
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

std::string model_folder_recipe(const ModelFolderRun& run, const fs::path& run_dir) {
  const fs::path manifest = run.model / "model.toml";
  if (!fs::is_regular_file(manifest))
    throw Error(run.model.string(), "no model.toml here: not a model folder written by stage/train (for other "
                                    "weights, write a recipe whose " + run.use + " stage names the components)");
  std::ifstream in(manifest);
  std::stringstream components;
  components << in.rdbuf();

  std::string out = "[run]\nname = " + Value(run.stage).to_string() + "\ndir = " +
                    Value(fs::absolute(run_dir).string()).to_string() + "\n\n[[stage]]\nname = " +
                    Value(run.stage).to_string() + "\nuse = " + Value(run.use).to_string() +
                    "\nmodel = " + Value(fs::absolute(run.model).lexically_normal().string()).to_string() + "\n";
  out += "# from " + manifest.string() + "\n" + components.str();
  if (!out.ends_with("\n")) out += "\n";
  for (const auto& [key, value] : run.keys) out += key + " = " + value.to_string() + "\n";
  return out;
}

void run_on_model_folder(const ModelFolderRun& run) {
  std::unique_ptr<TemporaryRunDir> temporary;
  fs::path run_dir = run.run_dir;
  if (run_dir.empty()) {
    temporary = std::make_unique<TemporaryRunDir>(run.stage);
    run_dir = temporary->path();
  }
  const std::string text = model_folder_recipe(run, run_dir);
  auto prepared = prepare_recipe_text(text, (run.model / "model.toml").string(), run.overrides);
  RunOptions options;
  options.only = run.stage;  // again on every call, even in a run folder that ran it before
  StageRunner runner(prepared.resolved, *prepared.plugins);
  runner.run(options);
}

}  // namespace vlforge::host
