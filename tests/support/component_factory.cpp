#include "component_factory.hpp"

#include "recipe.hpp"
#include "recipe_resolver.hpp"
#include "test_paths.hpp"

namespace vlforge::test {

ComponentMaker::ComponentMaker(std::vector<std::filesystem::path> extra_plugin_dirs) {
  std::vector<std::filesystem::path> dirs = {kPluginDir};
  dirs.insert(dirs.end(), extra_plugin_dirs.begin(), extra_plugin_dirs.end());
  plugins_ = std::make_unique<host::PluginHost>(dirs);
  context_ = std::make_unique<Context>(ContextOptions{}, &plugins_->registry());
}

ComponentSpec ComponentMaker::spec(const std::string& toml, const std::string& kind) {
  return host::resolve_component(host::parse_toml(toml, "test component"), *plugins_, kind);
}

}  // namespace vlforge::test
