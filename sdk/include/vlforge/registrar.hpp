// vlforge::Registrar: what a plugin's registration function receives from the host.
//
//   void register_components(vlforge::Registrar& r) {
//     r.add<vlforge::Selector>("threshold", threshold_schema(),
//                              [](const ThresholdConfig& cfg, vlforge::Context& ctx) {
//                                return std::make_unique<ThresholdSelector>(cfg);
//                              });
//   }
//
// Each component is registered with its schema; the factory receives the validated, typed
// config. Registration is all-or-nothing per plugin, and a (kind, name) taken by another plugin
// is refused naming both libraries.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "vlforge/component.hpp"
#include "vlforge/export.hpp"
#include "vlforge/schema.hpp"
#include "vlforge/value.hpp"

namespace vlforge {

class Context;

// The type-erased form of one registration, as the host stores it.
struct VLFORGE_API ComponentEntry {
  std::string kind;
  std::string name;
  SchemaSpec schema;
  // Creates the component from a validated, default-filled config table.
  std::function<std::shared_ptr<Component>(const Value& config, Context& ctx)> create;

  std::string use() const { return kind + "/" + name; }
};

class VLFORGE_API Registrar {
 public:
  virtual ~Registrar();

  // Registers component NAME of kind Interface::kind. `factory(const Config&, Context&)` returns
  // std::unique_ptr<Interface> (or of a class derived from it).
  template <class Interface, class Config, class Factory>
  void add(std::string name, Schema<Config> schema, Factory factory) {
    static_assert(std::is_base_of_v<Component, Interface>, "Interface must derive from vlforge::Component");
    ComponentEntry entry;
    entry.kind = std::string(Interface::kind);
    entry.name = std::move(name);
    entry.schema = schema.spec();
    entry.create = [schema = std::move(schema), factory = std::move(factory)](
                       const Value& config, Context& ctx) -> std::shared_ptr<Component> {
      std::unique_ptr<Interface> made = factory(schema.bind(config), ctx);
      return std::shared_ptr<Component>(std::move(made));
    };
    add_entry(std::move(entry));
  }

  virtual void add_entry(ComponentEntry entry) = 0;
};

}  // namespace vlforge
