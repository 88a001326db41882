// vlforge::Context: what a stage (and any component it creates) gets from the run.
//
// It holds the run's folders (run_dir, and work_dir: this stage's own folder), the process's
// place in a distributed job (rank, world size, device, barriers), the recipe seed, a logger, progress
// bars, a metrics sink, and the way to create the components a stage's config names:
//
//   auto scorer = ctx.create<vlforge::Scorer>(cfg.scorer);
//
// The host owns the Context; plugins only use it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "vlforge/component.hpp"
#include "vlforge/error.hpp"
#include "vlforge/export.hpp"
#include "vlforge/logger.hpp"
#include "vlforge/metrics_sink.hpp"
#include "vlforge/progress.hpp"
#include "vlforge/rank_sync.hpp"

namespace vlforge {

class Context;

// Implemented by the host: turns a spec into a live component from the plugin that provides it.
class VLFORGE_API ComponentFactory {
 public:
  virtual ~ComponentFactory();
  virtual std::shared_ptr<Component> create(const ComponentSpec& spec, Context& ctx) = 0;
};

struct VLFORGE_API ContextOptions {
  std::filesystem::path run_dir;
  std::filesystem::path work_dir;  // this stage's folder, under run_dir
  std::string stage;               // stage name; empty outside a stage
  bool resuming = false;           // work_dir holds partial output of an interrupted attempt
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  std::string device = "cpu";      // "cpu" or "cuda:N"
  uint64_t seed = 0;
  RankSync* sync = nullptr;        // the run's rank coordination; nullptr in a single process
};

class VLFORGE_API Context {
 public:
  Context(ContextOptions options, ComponentFactory* factory);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const std::filesystem::path& run_dir() const noexcept { return opt_.run_dir; }
  const std::filesystem::path& work_dir() const noexcept { return opt_.work_dir; }
  // The folder of another stage of this run (where its outputs are).
  std::filesystem::path stage_dir(std::string_view stage) const;
  const std::string& stage() const noexcept { return opt_.stage; }
  bool resuming() const noexcept { return opt_.resuming; }

  int rank() const noexcept { return opt_.rank; }
  int world_size() const noexcept { return opt_.world_size; }
  int local_rank() const noexcept { return opt_.local_rank; }
  bool is_main_rank() const noexcept { return opt_.rank == 0; }
  const std::string& device() const noexcept { return opt_.device; }
  // Coordination with the other ranks of this run (trivial in a single process).
  RankSync& sync() noexcept { return *sync_; }
  uint64_t seed() const noexcept { return opt_.seed; }

  Logger& log() noexcept { return logger_; }
  MetricsSink& metrics() noexcept { return *metrics_; }
  // A progress bar, drawn on rank 0 only.
  Progress progress(std::string label, int64_t total, std::string unit) const;

  // Creates the component a spec names; throws vlforge::Error if it is not a T.
  template <class T>
  std::shared_ptr<T> create(const ComponentSpec& spec) {
    std::shared_ptr<Component> made = create_component(spec);
    auto typed = std::dynamic_pointer_cast<T>(made);
    if (!typed) throw_kind_mismatch(spec, T::kind);
    return typed;
  }
  std::shared_ptr<Component> create_component(const ComponentSpec& spec);

 private:
  [[noreturn]] static void throw_kind_mismatch(const ComponentSpec& spec, std::string_view kind);

  ContextOptions opt_;
  ComponentFactory* factory_;
  SingleProcessSync single_process_;
  RankSync* sync_;
  Logger logger_;
  std::unique_ptr<MetricsSink> metrics_;
};

}  // namespace vlforge
