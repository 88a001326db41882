// A recipe read, its plugins loaded and its configs validated: what `run` and `check` share.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "plugin_host.hpp"
#include "recipe.hpp"
#include "recipe_resolver.hpp"

namespace vlforge::host {

struct PreparedRecipe {
  Recipe recipe;
  std::unique_ptr<PluginHost> plugins;
  ResolvedRecipe resolved;
};

// Throws vlforge::Error (one line per problem) when the recipe is not valid.
PreparedRecipe prepare_recipe(const std::filesystem::path& file, const std::vector<std::string>& overrides);
// The same for a recipe the host composes itself; `name` stands for its file in messages.
PreparedRecipe prepare_recipe_text(std::string_view text, const std::string& name,
                                   const std::vector<std::string>& overrides = {});

}  // namespace vlforge::host
