// Interface of kind `stage`: one step of a recipe (ingest, score, filter, pack, train,
// evaluate, export, serve).
//
// The host runs stages in order. Each gets its own folder (ctx.work_dir()); when a stage returns,
// the host writes a completion marker with a hash of the stage's resolved config, the hash of
// the stages before it and the input files its `path` fields name. A rerun skips finished
// stages; an interrupted stage is run again with ctx.resuming() true and its folder kept, so it
// can skip the units of work (shards, steps) it had already finished.
#pragma once

#include <string_view>

#include "vlforge/component.hpp"
#include "vlforge/context.hpp"
#include "vlforge/export.hpp"

namespace vlforge {

class VLFORGE_API Stage : public Component {
 public:
  static constexpr std::string_view kind = "stage";
  ~Stage() override;

  virtual void run(Context& ctx) = 0;
};

}  // namespace vlforge
