#include "prepared_recipe.hpp"

namespace vlforge::host {

PreparedRecipe prepare_recipe(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  PreparedRecipe p;
  p.recipe = load_recipe(file, overrides);
  p.plugins = std::make_unique<PluginHost>(plugin_search_path(recipe_plugin_paths(p.recipe)));
  p.resolved = resolve_recipe(p.recipe, *p.plugins);
  p.plugins->registry().freeze();
  return p;
}

}  // namespace vlforge::host
