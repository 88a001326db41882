// The host's registry of components, filled plugin by plugin and frozen before a recipe runs.
//
// Each plugin registers into a staging list; the registry takes the whole list or none of it, so
// a plugin whose registration throws or collides with another leaves no trace.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vlforge/context.hpp"
#include "vlforge/registrar.hpp"

namespace vlforge::host {

struct LoadedPlugin;

// Collects one plugin's registrations before they are committed.
class StagingRegistrar final : public Registrar {
 public:
  void add_entry(ComponentEntry entry) override;
  std::vector<ComponentEntry> take() { return std::move(entries_); }

 private:
  std::vector<ComponentEntry> entries_;
};

class Registry final : public ComponentFactory {
 public:
  struct Entry {
    ComponentEntry component;
    std::shared_ptr<const LoadedPlugin> plugin;  // keeps the library alive
  };

  // Adds all entries of one plugin, or throws vlforge::Error (naming both libraries on a
  // duplicate) and adds nothing.
  void commit(std::shared_ptr<const LoadedPlugin> plugin, std::vector<ComponentEntry> entries);
  void freeze() { frozen_ = true; }
  bool frozen() const { return frozen_; }

  const Entry* find(const std::string& use) const;
  // Names ("KIND/NAME") of every registered component, sorted.
  std::vector<std::string> uses() const;

  // ComponentFactory: creates a component whose object holds a reference to its library.
  std::shared_ptr<Component> create(const ComponentSpec& spec, Context& ctx) override;

 private:
  std::map<std::string, Entry> entries_;
  bool frozen_ = false;
};

}  // namespace vlforge::host
