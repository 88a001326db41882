#include "stage_runner.hpp"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "vlforge/did_you_mean.hpp"
#include "plugin_loader.hpp"
#include "vlforge/context.hpp"
#include "vlforge/error.hpp"
#include "vlforge/hash.hpp"
#include "vlforge/interfaces/stage.hpp"
#include "vlforge/logger.hpp"

namespace fs = std::filesystem;

namespace vlforge::host {

namespace {

struct Marker {
  std::string state;  // "running", "done", or empty when absent
  std::string hash;
  std::string token;
};

Marker read_marker(const fs::path& dir) {
  const fs::path file = dir / StageRunner::kMarkerFile;
  std::ifstream in(file);
  if (!in) return {};
  try {
    const auto j = nlohmann::json::parse(in);
    return Marker{j.value("state", ""), j.value("hash", ""), j.value("token", "")};
  } catch (const nlohmann::json::exception&) {
    // A marker cut short by a crash: the stage counts as never started.
    return {};
  }
}

void write_marker(const fs::path& dir, const nlohmann::json& j) {
  const fs::path file = dir / StageRunner::kMarkerFile;
  const fs::path tmp = dir / (std::string(StageRunner::kMarkerFile) + ".tmp");
  {
    std::ofstream out(tmp);
    if (!out) throw Error(tmp.string(), "cannot write stage marker");
    out << j.dump(2) << '\n';
  }
  fs::rename(tmp, file);
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void add_file(StableHash& h, const fs::path& p) {
  h.add(p.string());
  h.add(static_cast<uint64_t>(fs::file_size(p)));
  h.add(static_cast<uint64_t>(fs::last_write_time(p).time_since_epoch().count()));
}

// Size and modification time of each input file (recursively for folders).
void add_inputs(StableHash& h, const std::vector<fs::path>& inputs) {
  for (const auto& p : inputs) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) {
      add_file(h, p);
    } else if (fs::is_directory(p, ec)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::recursive_directory_iterator(p, ec))
        if (e.is_regular_file()) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) add_file(h, f);
    } else {
      h.add("absent:" + p.string());
    }
  }
}

void collect_uses(const Value& v, std::set<std::string>& uses) {
  if (v.is_table()) {
    if (const Value* u = v.find("use"); u && u->is_string()) uses.insert(u->as_string());
    for (const auto& [_, child] : v.as_table()) collect_uses(child, uses);
  } else if (v.is_array()) {
    for (const auto& child : v.as_array()) collect_uses(child, uses);
  }
}

// A new version of a plugin the stage uses makes the stage run again.
void add_plugin_versions(StableHash& h, const Registry& registry, const ComponentSpec& spec) {
  std::set<std::string> uses{spec.use()};
  collect_uses(spec.config, uses);
  for (const auto& use : uses)
    if (const auto* entry = registry.find(use)) h.add(use).add(entry->plugin->name).add(entry->plugin->version);
}

std::string stage_hash(const ResolvedStage& stage, const Registry& registry, int64_t seed,
                       const std::string& previous_token) {
  StableHash h;
  h.add(stage.name).add(stage.spec.use()).add(stage.spec.config.to_string());
  h.add(static_cast<uint64_t>(seed)).add(previous_token);
  add_plugin_versions(h, registry, stage.spec);
  add_inputs(h, stage.inputs);
  return h.hex();
}

void clear_folder(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec))
    for (const auto& e : fs::directory_iterator(dir)) fs::remove_all(e.path());
  fs::create_directories(dir);
}

size_t index_of(const ResolvedRecipe& recipe, const std::string& name, const char* option) {
  for (size_t i = 0; i < recipe.stages.size(); ++i)
    if (recipe.stages[i].name == name) return i;
  std::vector<std::string> names;
  for (const auto& s : recipe.stages) names.push_back(s.name);
  throw Error(recipe.file.string(), std::string(option) + " names no stage '" + name + "'" +
                                        suggestion_suffix(name, names, "stages"));
}

}  // namespace

std::vector<StageReport> StageRunner::run(const RunOptions& options) {
  const size_t n = recipe_.stages.size();
  size_t first = 0, last = n;  // the stages this invocation may run: [first, last)
  if (options.only) {
    first = index_of(recipe_, *options.only, "--only");
    last = first + 1;
  } else if (options.from) {
    first = index_of(recipe_, *options.from, "--from");
  }
  SingleProcessSync single;
  if (options.world_size > 1 && options.sync == nullptr)
    throw Error("run", "a run of " + std::to_string(options.world_size) + " ranks needs rank coordination");
  RankSync& sync = options.sync ? *options.sync : single;
  const bool main_rank = options.rank == 0;

  Logger log("run", options.rank);
  if (main_rank) fs::create_directories(recipe_.run_dir);
  std::vector<StageReport> reports;
  std::string previous_token = "start";
  for (size_t i = 0; i < last; ++i) {
    const ResolvedStage& stage = recipe_.stages[i];
    const fs::path dir = recipe_.run_dir / stage.name;
    const std::string hash = stage_hash(stage, plugins_.registry(), recipe_.run.seed, previous_token);
    const Marker marker = read_marker(dir);
    sync.barrier("read marker of stage '" + stage.name + "'");
    const bool forced = i >= first && (options.only || options.from);

    if (i < first) {
      // Earlier stages are not run now, but what this one reads must be theirs, up to date.
      if (marker.state != "done" || marker.hash != hash)
        throw Error(recipe_.file.string(), "stage '" + stage.name + "' has not finished with the current config, so '" +
                                               recipe_.stages[first].name +
                                               "' cannot run alone (run without --only/--from)");
      previous_token = marker.token;
      continue;
    }
    if (!forced && marker.state == "done" && marker.hash == hash) {
      log.info("stage ", i + 1, "/", n, " '", stage.name, "' is finished and unchanged: skipped");
      reports.push_back({stage.name, StageOutcome::skipped, 0.0});
      previous_token = marker.token;
      continue;
    }
    const bool resuming = !forced && marker.state == "running" && marker.hash == hash;
    log.info("stage ", i + 1, "/", n, " '", stage.name, "' (", stage.spec.use(), ")", resuming ? ": resuming" : "");

    const int64_t started = now_ns();
    if (main_rank) {
      if (!resuming) clear_folder(dir);
      write_marker(dir, {{"state", "running"}, {"hash", hash}, {"use", stage.spec.use()},
                         {"config", stage.spec.config.to_string()}, {"started_ns", started}});
    }
    sync.barrier("start of stage '" + stage.name + "'");
    ContextOptions copt;
    copt.run_dir = recipe_.run_dir;
    copt.work_dir = dir;
    copt.stage = stage.name;
    copt.resuming = resuming;
    copt.rank = options.rank;
    copt.world_size = options.world_size;
    copt.local_rank = options.local_rank;
    copt.device = recipe_.run.device;
    copt.seed = static_cast<uint64_t>(recipe_.run.seed);
    copt.sync = options.sync;
    Context ctx(copt, &plugins_.registry());
    try {
      auto runnable = ctx.create<Stage>(stage.spec);
      runnable->run(ctx);
    } catch (const Error& e) {
      throw Error("stage '" + stage.name + "'", e.what());
    } catch (const std::exception& e) {
      throw Error("stage '" + stage.name + "'", std::string("failed: ") + e.what());
    }
    sync.barrier("end of stage '" + stage.name + "'");
    const int64_t finished = now_ns();
    if (main_rank) {
      const std::string token = StableHash().add(hash).add(static_cast<uint64_t>(finished)).hex();
      write_marker(dir, {{"state", "done"}, {"hash", hash}, {"token", token}, {"use", stage.spec.use()},
                         {"config", stage.spec.config.to_string()}, {"started_ns", started},
                         {"finished_ns", finished}});
    }
    sync.barrier("marker of stage '" + stage.name + "'");
    previous_token = read_marker(dir).token;
    const double seconds = static_cast<double>(finished - started) / 1e9;
    log.info("stage '", stage.name, "' done in ", Progress::clock(seconds));
    reports.push_back({stage.name, resuming ? StageOutcome::resumed : StageOutcome::ran, seconds});
  }
  return reports;
}

}  // namespace vlforge::host
