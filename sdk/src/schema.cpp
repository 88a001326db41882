#include "vlforge/schema.hpp"

#include <cmath>
#include <cstdio>

namespace vlforge {

std::string_view field_type_name(FieldType t) {
  switch (t) {
    case FieldType::boolean: return "boolean";
    case FieldType::integer: return "integer";
    case FieldType::floating: return "float";
    case FieldType::string: return "string";
    case FieldType::path: return "path";
    case FieldType::string_list: return "list of strings";
    case FieldType::integer_list: return "list of integers";
    case FieldType::float_list: return "list of floats";
    case FieldType::component: return "component";
    case FieldType::component_list: return "list of components";
    case FieldType::stage_ref: return "stage name";
  }
  return "?";
}

namespace {
std::string number(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
}  // namespace

std::string FieldSpec::summary() const {
  std::string s(field_type_name(type));
  if (!component_kind.empty()) s += " of kind " + component_kind;
  if (min && max) {
    s += " in [" + number(*min) + ", " + number(*max) + "]";
  } else if (min) {
    s += " >= " + number(*min);
  } else if (max) {
    s += " <= " + number(*max);
  }
  if (!choices.empty()) {
    s += ", one of";
    for (size_t i = 0; i < choices.size(); ++i) s += (i ? ", " : " ") + choices[i];
  }
  if (required) {
    s += ", required";
  } else if (!default_value.is_none()) {
    s += ", default " + default_value.to_string();
  } else {
    s += ", optional";
  }
  return s;
}

const FieldSpec* SchemaSpec::find(std::string_view name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

namespace detail {

ComponentSpec component_spec_from_value(const Value& v) {
  const Value* use = v.find("use");
  if (use == nullptr || !use->is_string())
    throw Error(v.where().str(), "component table has no 'use = \"KIND/NAME\"'");
  const std::string& u = use->as_string();
  const auto slash = u.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == u.size())
    throw Error(use->where().str(), "'use' must be KIND/NAME, got '" + u + "'");
  ComponentSpec spec;
  spec.kind = u.substr(0, slash);
  spec.name = u.substr(slash + 1);
  spec.where = v.where();
  spec.config = Value(Value::Table{}, v.where());
  for (const auto& [k, e] : v.as_table()) {
    if (k == "use") continue;
    spec.config.set(k, e);
  }
  return spec;
}

Value component_spec_to_value(const ComponentSpec& spec) {
  Value v(Value::Table{}, spec.where);
  v.set("use", Value(spec.use(), spec.where));
  if (spec.config.is_table())
    for (const auto& [k, e] : spec.config.as_table()) v.set(k, e);
  return v;
}

}  // namespace detail
}  // namespace vlforge
