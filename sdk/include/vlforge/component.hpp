// vlforge::Component: the base of every component a plugin registers, and ComponentSpec, the
// validated recipe entry (kind/name + config) that a component is created from.
//
// Each component kind is an abstract interface in <vlforge/interfaces/KIND.hpp> deriving from
// Component and naming its kind in `static constexpr std::string_view kind`.
#pragma once

#include <string>

#include "vlforge/export.hpp"
#include "vlforge/source_location.hpp"
#include "vlforge/value.hpp"

namespace vlforge {

class VLFORGE_API Component {
 public:
  virtual ~Component();
};

// A component chosen in a recipe: `use = "KIND/NAME"` plus its config table, already validated
// against NAME's schema with every default filled in. Stages hold specs and create the
// component when they run (Context::create), so `vlforge check` never loads weights.
struct VLFORGE_API ComponentSpec {
  std::string kind;
  std::string name;
  Value config;            // resolved table, without `use`
  SourceLocation where;    // where the component was chosen in the recipe

  bool empty() const { return kind.empty(); }
  std::string use() const { return kind + "/" + name; }
};

}  // namespace vlforge
