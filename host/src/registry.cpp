#include "registry.hpp"

#include <set>

#include "plugin_loader.hpp"
#include "vlforge/error.hpp"

namespace vlforge::host {

void StagingRegistrar::add_entry(ComponentEntry entry) {
  if (entry.kind.empty() || entry.name.empty() || entry.name.find('/') != std::string::npos)
    throw Error("component names are KIND/NAME with a non-empty kind and a name without '/', got '" +
                entry.use() + "'");
  if (!entry.create) throw Error("component '" + entry.use() + "' has no factory");
  entries_.push_back(std::move(entry));
}

void Registry::commit(std::shared_ptr<const LoadedPlugin> plugin, std::vector<ComponentEntry> entries) {
  if (frozen_) throw Error(plugin->path.string(), "registry is frozen: plugins load before a recipe runs");
  std::set<std::string> seen;
  for (const auto& e : entries) {
    const std::string use = e.use();
    if (!seen.insert(use).second)
      throw Error(plugin->path.string(), "registers component '" + use + "' twice");
    if (auto it = entries_.find(use); it != entries_.end())
      throw Error(plugin->path.string(), "component '" + use + "' is already registered by " +
                                             it->second.plugin->path.string());
  }
  for (auto& e : entries) {
    std::string use = e.use();
    entries_.emplace(std::move(use), Entry{std::move(e), plugin});
  }
}

const Registry::Entry* Registry::find(const std::string& use) const {
  auto it = entries_.find(use);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::uses() const {
  std::vector<std::string> out;
  for (const auto& [use, _] : entries_) out.push_back(use);
  return out;
}

std::shared_ptr<Component> Registry::create(const ComponentSpec& spec, Context& ctx) {
  const Entry* entry = find(spec.use());
  if (entry == nullptr) throw Error(spec.where.str(), "component '" + spec.use() + "' is not loaded");
  std::shared_ptr<Component> made;
  try {
    made = entry->component.create(spec.config, ctx);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(spec.where.str(), "creating '" + spec.use() + "' (plugin " + entry->plugin->name + ") failed: " + e.what());
  }
  if (!made) throw Error(spec.where.str(), "plugin " + entry->plugin->name + " returned no object for '" + spec.use() + "'");
  // The returned pointer shares ownership of the object and of its plugin's library.
  auto holder = std::make_shared<std::pair<std::shared_ptr<const LoadedPlugin>, std::shared_ptr<Component>>>(
      entry->plugin, made);
  return std::shared_ptr<Component>(holder, made.get());
}

}  // namespace vlforge::host
