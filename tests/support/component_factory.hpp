// Creating components in tests the way a recipe does: a TOML table validated against the
// component's schema, the plugin loaded from the build tree, the factory called with a Context.
//
//   ComponentMaker maker;
//   auto lm = maker.make<vlforge::LanguageModel>(R"(use = "language_model/qwen2"
//                                                   checkpoint = "/path/model")");
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "plugin_host.hpp"
#include "vlforge/context.hpp"

namespace vlforge::test {

class ComponentMaker {
 public:
  // Plugins from the build tree's plugin folder, then `extra_plugin_dirs`.
  explicit ComponentMaker(std::vector<std::filesystem::path> extra_plugin_dirs = {});

  // `toml`: the component's table as TOML text, starting with `use = "KIND/NAME"`.
  template <class T>
  std::shared_ptr<T> make(const std::string& toml) {
    return context_->create<T>(spec(toml, std::string(T::kind)));
  }
  ComponentSpec spec(const std::string& toml, const std::string& kind = {});
  Context& context() { return *context_; }

 private:
  std::unique_ptr<host::PluginHost> plugins_;
  std::unique_ptr<Context> context_;
};

}  // namespace vlforge::test
