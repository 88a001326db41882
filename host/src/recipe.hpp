// A recipe as written: the TOML file turned into vlforge::Values with their positions, with
// ${ENV} references expanded and --set overrides applied. Nothing is validated against
// component schemas here; RecipeResolver does that.
//
//   [run]            name, dir, seed, device
//   [plugins]        paths = [...]  (searched before VLFORGE_PLUGIN_PATH and the install folder)
//   [components.X]   use = "KIND/NAME" + that component's config; stages refer to it as "X"
//   [[stage]]        name, use = "stage/NAME" + that stage's config
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "vlforge/source_location.hpp"
#include "vlforge/value.hpp"

namespace vlforge::host {

struct RecipeStage {
  std::string name;
  std::string use;
  Value config;           // the [[stage]] table without `name` and `use`
  SourceLocation where;   // the table
  SourceLocation use_where;
};

struct Recipe {
  std::filesystem::path file;
  Value run;         // [run] table (may be empty)
  Value plugins;     // [plugins] table (may be empty)
  Value components;  // [components] table: label -> component table
  std::vector<RecipeStage> stages;

  std::vector<std::string> stage_names() const;
  const RecipeStage* stage(const std::string& name) const;
};

// Parses `file`, expands ${VAR} and ${VAR:-default} in strings, applies `overrides`
// ("stage.NAME.key=value", "run.seed=1", "components.X.key=value"; value in TOML syntax, bare
// words are strings). Throws vlforge::Error as FILE:LINE:COL: ...
Recipe load_recipe(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});

// A TOML document as a Value table (with ${ENV} expanded); `name` is used in positions.
Value parse_toml(std::string_view text, const std::string& name);

// The same, from text (tests); `name` is used in positions.
Recipe parse_recipe(std::string_view text, const std::string& name, const std::vector<std::string>& overrides = {});

}  // namespace vlforge::host
