// Checking a recipe against the schemas of the components it names, before anything runs.
//
// Every `use` is looked up (loading the plugins that provide it), every table is validated
// against its component's schema (unknown keys with "did you mean", missing keys, types,
// ranges, choices, component kinds, references to earlier stages) and completed with defaults.
// All problems are collected and reported together, one FILE:LINE:COL line each.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "plugin_host.hpp"
#include "recipe.hpp"
#include "vlforge/component.hpp"

namespace vlforge::host {

struct RunSettings {
  std::string name;
  std::string dir;
  int64_t seed = 0;
  std::string device = "cpu";
  int64_t sync_timeout_s = 1800;
};

struct ResolvedStage {
  std::string name;
  ComponentSpec spec;                          // kind "stage", resolved config
  std::vector<std::filesystem::path> inputs;   // every `path` value in its config
};

struct ResolvedRecipe {
  std::filesystem::path file;
  RunSettings run;
  std::filesystem::path run_dir;
  std::vector<ResolvedStage> stages;

  const ResolvedStage* stage(const std::string& name) const;
};

// Where plugins are searched for this recipe: its [plugins] paths first.
std::vector<std::filesystem::path> recipe_plugin_paths(const Recipe& recipe);

// Validates one component table (`use = "KIND/NAME"` plus its config) outside any recipe, for
// tools and tests; `kind` may require a kind. Throws like resolve_recipe.
ComponentSpec resolve_component(const Value& table, PluginHost& plugins, const std::string& kind = {});

// Resolves and validates; throws vlforge::Error whose what() holds one line per problem.
ResolvedRecipe resolve_recipe(const Recipe& recipe, PluginHost& plugins);

}  // namespace vlforge::host
