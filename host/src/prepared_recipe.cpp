#include "prepared_recipe.hpp"

namespace vlforge::host {

namespace {

PreparedRecipe prepare(Recipe recipe) {
  PreparedRecipe p;
  p.recipe = std::move(recipe);
  p.plugins = std::make_unique<PluginHost>(plugin_search_path(recipe_plugin_paths(p.recipe)));
  p.resolved = resolve_recipe(p.recipe, *p.plugins);
  p.plugins->registry().freeze();
  return p;
}

}  // namespace

PreparedRecipe prepare_recipe(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  return prepare(load_recipe(file, overrides));
}

PreparedRecipe prepare_recipe_text(std::string_view text, const std::string& name,
                                   const std::vector<std::string>& overrides) {
  return prepare(parse_recipe(text, name, overrides));
}

}  // namespace vlforge::host
