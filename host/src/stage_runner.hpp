// Runs a resolved recipe's stages in order, with completion markers for skip and resume.
//
// Each stage folder (<run dir>/<stage>/) holds `.vlforge-stage.json`: the stage's hash, its
// state ("running" or "done") and, once done, a completion token. The hash covers the stage's
// resolved config, the run seed, the name and version of every plugin it uses, the size and
// time of every input file its `path` fields name, and the completion token of the stage
// before it. So:
//   - a finished stage with an unchanged hash is skipped;
//   - an interrupted stage with an unchanged hash is resumed (folder kept, ctx.resuming());
//   - a changed stage runs afresh (folder emptied), and so does every stage after it, since
//     their hashes chain to its new completion token.
// With several ranks, every rank runs every stage; rank 0 alone empties folders and writes
// markers, and barriers keep the ranks in step (all have read a marker before it changes, all
// have finished a stage before it is marked done).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "plugin_host.hpp"
#include "recipe_resolver.hpp"
#include "vlforge/rank_sync.hpp"

namespace vlforge::host {

struct RunOptions {
  std::optional<std::string> only;  // run just this stage (again, even if finished)
  std::optional<std::string> from;  // run this stage and all after it (again)
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  RankSync* sync = nullptr;  // required when world_size > 1
};

enum class StageOutcome { ran, resumed, skipped };

struct StageReport {
  std::string name;
  StageOutcome outcome = StageOutcome::ran;
  double seconds = 0.0;
};

class StageRunner {
 public:
  StageRunner(const ResolvedRecipe& recipe, PluginHost& plugins) : recipe_(recipe), plugins_(plugins) {}

  // Throws vlforge::Error naming the stage if one fails; finished stages keep their markers.
  std::vector<StageReport> run(const RunOptions& options);

  static constexpr const char* kMarkerFile = ".vlforge-stage.json";

 private:
  const ResolvedRecipe& recipe_;
  PluginHost& plugins_;
};

}  // namespace vlforge::host
