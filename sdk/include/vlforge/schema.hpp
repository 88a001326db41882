// Declared configuration: each component binds a typed config struct to a schema of named,
// typed, documented fields with defaults, ranges and choices.
//
//   struct ThresholdConfig { std::string score; double min = 0.0; };
//   Schema<ThresholdConfig> s("Keeps samples whose score is at least `min`.");
//   s.field("score", &ThresholdConfig::score, "score column to test").required();
//   s.field("min", &ThresholdConfig::min, "smallest kept score").range(0, 100);
//
// A field's default is the member's value in a default-constructed struct. The host validates a
// recipe table against the schema (unknown keys, missing keys, types, ranges, choices) and fills
// defaults before anything is created, so a factory only ever sees a valid, typed struct. The
// same schema drives `vlforge describe` and the docs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/error.hpp"
#include "vlforge/export.hpp"
#include "vlforge/value.hpp"

namespace vlforge {

enum class FieldType {
  boolean,
  integer,
  floating,
  string,
  path,            // a filesystem path; existing files count as stage inputs for resume
  string_list,
  integer_list,
  float_list,
  component,       // `"label"` of a [components.label] table, or an inline `{ use = "KIND/NAME", ... }`
  component_list,  // an array of the above
  stage_ref,       // the name of an earlier stage, whose folder holds this stage's input
};

VLFORGE_API std::string_view field_type_name(FieldType t);

// A reference to an earlier stage of the same recipe (its outputs are this stage's inputs).
struct StageRef {
  std::string name;
};

struct VLFORGE_API FieldSpec {
  std::string name;
  FieldType type = FieldType::string;
  std::string doc;
  bool required = false;
  Value default_value;               // none when required or when a component field is optional
  std::optional<double> min;         // numbers: inclusive bounds; lists: bounds of every element
  std::optional<double> max;
  std::vector<std::string> choices;  // strings (and string lists): the allowed values
  std::string component_kind;        // component fields: the kind the component must be

  // "integer in [1, 4096], default 4096" style summary for `describe`.
  std::string summary() const;
};

struct VLFORGE_API SchemaSpec {
  std::string doc;
  std::vector<FieldSpec> fields;

  const FieldSpec* find(std::string_view name) const;
};

namespace detail {

template <class M>
struct FieldTraits;

template <>
struct FieldTraits<bool> {
  static constexpr FieldType type = FieldType::boolean;
  static Value to_value(bool v) { return Value(v); }
  static bool from_value(const Value& v) { return v.as_bool(); }
};
template <>
struct FieldTraits<int64_t> {
  static constexpr FieldType type = FieldType::integer;
  static Value to_value(int64_t v) { return Value(v); }
  static int64_t from_value(const Value& v) { return v.as_int(); }
};
template <>
struct FieldTraits<int> {
  static constexpr FieldType type = FieldType::integer;
  static Value to_value(int v) { return Value(static_cast<int64_t>(v)); }
  static int from_value(const Value& v) { return static_cast<int>(v.as_int()); }
};
template <>
struct FieldTraits<double> {
  static constexpr FieldType type = FieldType::floating;
  static Value to_value(double v) { return Value(v); }
  static double from_value(const Value& v) { return v.as_double(); }
};
template <>
struct FieldTraits<std::string> {
  static constexpr FieldType type = FieldType::string;
  static Value to_value(const std::string& v) { return Value(v); }
  static std::string from_value(const Value& v) { return v.as_string(); }
};
template <>
struct FieldTraits<std::filesystem::path> {
  static constexpr FieldType type = FieldType::path;
  static Value to_value(const std::filesystem::path& v) { return Value(v.string()); }
  static std::filesystem::path from_value(const Value& v) { return v.as_string(); }
};
template <class E, FieldType T>
struct ListTraits {
  static constexpr FieldType type = T;
  static Value to_value(const std::vector<E>& v) {
    Value::Array a;
    for (const auto& e : v) a.push_back(FieldTraits<E>::to_value(e));
    return Value(std::move(a));
  }
  static std::vector<E> from_value(const Value& v) {
    std::vector<E> out;
    for (const auto& e : v.as_array()) out.push_back(FieldTraits<E>::from_value(e));
    return out;
  }
};
template <>
struct FieldTraits<std::vector<std::string>> : ListTraits<std::string, FieldType::string_list> {};
template <>
struct FieldTraits<std::vector<int64_t>> : ListTraits<int64_t, FieldType::integer_list> {};
template <>
struct FieldTraits<std::vector<double>> : ListTraits<double, FieldType::float_list> {};

// Resolved component tables carry `use` plus the component's own fields.
VLFORGE_API ComponentSpec component_spec_from_value(const Value& v);
VLFORGE_API Value component_spec_to_value(const ComponentSpec& spec);

template <>
struct FieldTraits<ComponentSpec> {
  static constexpr FieldType type = FieldType::component;
  static Value to_value(const ComponentSpec& v) { return component_spec_to_value(v); }
  static ComponentSpec from_value(const Value& v) { return component_spec_from_value(v); }
};
template <>
struct FieldTraits<std::vector<ComponentSpec>> : ListTraits<ComponentSpec, FieldType::component_list> {};
template <>
struct FieldTraits<StageRef> {
  static constexpr FieldType type = FieldType::stage_ref;
  static Value to_value(const StageRef& v) { return v.name.empty() ? Value() : Value(v.name); }
  static StageRef from_value(const Value& v) { return StageRef{v.as_string()}; }
};

}  // namespace detail

template <class T>
class Schema {
 public:
  class FieldBuilder {
   public:
    FieldBuilder(Schema& s, size_t index) : schema_(s), index_(index) {}
    // The recipe must set this field; the struct's initial value is not a default.
    FieldBuilder& required() {
      spec().required = true;
      spec().default_value = Value();
      return *this;
    }
    // The field may be left out and has no default (component and stage fields).
    FieldBuilder& optional() {
      spec().required = false;
      return *this;
    }
    FieldBuilder& min(double lo) { spec().min = lo; return *this; }
    FieldBuilder& max(double hi) { spec().max = hi; return *this; }
    FieldBuilder& range(double lo, double hi) { return min(lo).max(hi); }
    FieldBuilder& choices(std::vector<std::string> allowed) {
      spec().choices = std::move(allowed);
      return *this;
    }
    // Component fields: the component must be of this kind (e.g. "scorer").
    FieldBuilder& kind(std::string component_kind) {
      spec().component_kind = std::move(component_kind);
      return *this;
    }

   private:
    FieldSpec& spec() { return schema_.spec_.fields[index_]; }
    Schema& schema_;
    size_t index_;
  };

  explicit Schema(std::string doc) { spec_.doc = std::move(doc); }

  template <class M>
  FieldBuilder field(std::string name, M T::*member, std::string doc) {
    using Traits = detail::FieldTraits<std::remove_cv_t<M>>;
    FieldSpec f;
    f.name = std::move(name);
    f.type = Traits::type;
    f.doc = std::move(doc);
    const T defaults{};
    if constexpr (std::is_same_v<M, ComponentSpec>) {
      f.required = (defaults.*member).empty();  // optional only when a default is given
      if (!f.required) f.default_value = Traits::to_value(defaults.*member);
    } else if constexpr (std::is_same_v<M, StageRef>) {
      f.required = (defaults.*member).name.empty();
      if (!f.required) f.default_value = Traits::to_value(defaults.*member);
    } else {
      f.default_value = Traits::to_value(defaults.*member);
    }
    spec_.fields.push_back(std::move(f));
    const std::string& key = spec_.fields.back().name;
    setters_.push_back([member, key](T& cfg, const Value& table) {
      if (const Value* v = table.find(key)) cfg.*member = Traits::from_value(*v);
    });
    return FieldBuilder(*this, spec_.fields.size() - 1);
  }

  const SchemaSpec& spec() const { return spec_; }

  // Copies a validated, default-filled table into a fresh struct.
  T bind(const Value& table) const {
    T cfg{};
    for (const auto& set : setters_) set(cfg, table);
    return cfg;
  }

 private:
  SchemaSpec spec_;
  std::vector<std::function<void(T&, const Value&)>> setters_;
};

}  // namespace vlforge
