#include "recipe_resolver.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "vlforge/did_you_mean.hpp"
#include "vlforge/error.hpp"
#include "vlforge/schema.hpp"

namespace fs = std::filesystem;

namespace vlforge::host {

namespace {

Schema<RunSettings> run_schema() {
  Schema<RunSettings> s("Run-wide settings.");
  s.field("name", &RunSettings::name, "run name (default: the recipe file's stem)");
  s.field("dir", &RunSettings::dir, "folder for every stage's outputs (default: runs/NAME)");
  s.field("seed", &RunSettings::seed, "seed handed to every stage").min(0);
  s.field("device", &RunSettings::device, "\"cpu\", \"cuda\" or \"cuda:N\"");
  s.field("sync_timeout_s", &RunSettings::sync_timeout_s,
          "multi-rank runs: seconds a rank waits for the others before failing").range(1, 7 * 24 * 3600);
  return s;
}

struct PluginSettings {
  std::vector<std::string> paths;
};

Schema<PluginSettings> plugins_schema() {
  Schema<PluginSettings> s("Where to find plugins.");
  s.field("paths", &PluginSettings::paths, "folders searched before $VLFORGE_PLUGIN_PATH and the install folder");
  return s;
}

bool valid_device(const std::string& d) {
  if (d == "cpu" || d == "cuda") return true;
  if (!d.starts_with("cuda:") || d.size() == 5) return false;
  return std::all_of(d.begin() + 5, d.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class Resolver {
 public:
  Resolver(const Recipe& recipe, PluginHost* plugins) : recipe_(recipe), plugins_(plugins) {}

  void error(const SourceLocation& where, std::string msg) { errors_.push_back(where.str() + ": " + msg); }
  void error(const std::string& text) { errors_.push_back(text); }
  bool ok() const { return errors_.empty(); }
  const std::vector<std::string>& errors() const { return errors_; }

  // Validates `table` against `schema`; returns the table completed with defaults, in schema order.
  Value validate(const SchemaSpec& schema, const Value& table, const std::string& context, size_t stage_index,
                 std::vector<fs::path>* inputs) {
    Value out(Value::Table{}, table.where());
    std::vector<std::string> names;
    for (const auto& f : schema.fields) names.push_back(f.name);
    for (const auto& [k, v] : table.as_table())
      if (!schema.find(k))
        error(v.where(), "unknown key '" + k + "' " + context + suggestion_suffix(k, names, "valid keys"));
    for (const auto& f : schema.fields) {
      const Value* v = table.find(f.name);
      if (!v) {
        if (f.required) {
          error(table.where(), "missing required key '" + f.name + "' " + context + " (" + f.summary() + ": " + f.doc + ")");
        } else if (!f.default_value.is_none()) {
          Value d = f.default_value;
          d.set_where(table.where());
          if (f.type == FieldType::component || f.type == FieldType::component_list) {
            if (auto r = field_value(f, d, context, stage_index, inputs)) out.set(f.name, std::move(*r));
          } else {
            out.set(f.name, std::move(d));
          }
        }
        continue;
      }
      if (auto r = field_value(f, *v, context, stage_index, inputs)) out.set(f.name, std::move(*r));
    }
    return out;
  }

  std::optional<Value> resolve_component(const Value& ref, const std::string& kind, const std::string& context,
                                         size_t stage_index, std::vector<fs::path>* inputs) {
    if (ref.is_string()) {
      const std::string& label = ref.as_string();
      const Value* table = recipe_.components.find(label);
      if (!table) {
        std::vector<std::string> labels;
        for (const auto& [k, _] : recipe_.components.as_table()) labels.push_back(k);
        error(ref.where(), "unknown component '" + label + "' " + context +
                               suggestion_suffix(label, labels, "components in [components]"));
        return std::nullopt;
      }
      if (resolving_.count(label)) {
        error(ref.where(), "component '" + label + "' refers to itself");
        return std::nullopt;
      }
      resolving_.insert(label);
      auto r = resolve_table(*table, kind, "in component '" + label + "'", stage_index, inputs);
      resolving_.erase(label);
      return r;
    }
    if (ref.is_table()) return resolve_table(ref, kind, context, stage_index, inputs);
    error(ref.where(), "expected a component " + context +
                           ": the name of a [components] table or an inline table { use = \"KIND/NAME\", ... }");
    return std::nullopt;
  }

  std::optional<Value> resolve_table(const Value& table, const std::string& kind, const std::string& context,
                                     size_t stage_index, std::vector<fs::path>* inputs) {
    const Value* use = table.find("use");
    if (!use) {
      error(table.where(), "component " + context + " has no 'use = \"KIND/NAME\"'");
      return std::nullopt;
    }
    if (!use->is_string()) {
      error(use->where(), "'use' must be a string \"KIND/NAME\"");
      return std::nullopt;
    }
    const std::string& u = use->as_string();
    const auto slash = u.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == u.size()) {
      error(use->where(), "'use' must be KIND/NAME, got '" + u + "'");
      return std::nullopt;
    }
    if (!kind.empty() && u.substr(0, slash) != kind) {
      error(use->where(), "expected a component of kind " + kind + " " + context + ", got '" + u + "'");
      return std::nullopt;
    }
    const SchemaSpec* schema = lookup(u, use->where());
    if (!schema) return std::nullopt;
    Value body = table;
    body.erase("use");
    Value resolved = validate(*schema, body, context + " (" + u + ")", stage_index, inputs);
    Value out(Value::Table{}, table.where());
    out.set("use", *use);
    for (auto& [k, v] : resolved.as_table()) out.set(k, v);
    return out;
  }

  const SchemaSpec* lookup(const std::string& use, const SourceLocation& where) {
    try {
      plugins_->require(use, where);
    } catch (const Error& e) {
      error(e.what());
      return nullptr;
    }
    return &plugins_->registry().find(use)->component.schema;
  }

  std::optional<Value> field_value(const FieldSpec& f, const Value& v, const std::string& context, size_t stage_index,
                                   std::vector<fs::path>* inputs) {
    const std::string key = "'" + f.name + "' " + context;
    auto wrong_type = [&](const Value& got) {
      error(got.where(), "wrong type for " + key + ": expected " + std::string(field_type_name(f.type)) + ", got " +
                             std::string(got.type_name()));
      return std::nullopt;
    };
    auto check_number = [&](const Value& n) {
      const double d = n.as_double();
      if ((f.min && d < *f.min) || (f.max && d > *f.max) || std::isnan(d)) {
        error(n.where(), "value " + n.to_string() + " of " + key + " is out of range (" + f.summary() + ")");
        return false;
      }
      return true;
    };
    auto check_choice = [&](const Value& s) {
      if (f.choices.empty()) return true;
      for (const auto& c : f.choices)
        if (c == s.as_string()) return true;
      error(s.where(), "invalid value " + s.to_string() + " for " + key +
                           suggestion_suffix(s.as_string(), f.choices, "one of"));
      return false;
    };
    switch (f.type) {
      case FieldType::boolean:
        if (!v.is_bool()) return wrong_type(v);
        return v;
      case FieldType::integer:
        if (!v.is_int()) return wrong_type(v);
        if (!check_number(v)) return std::nullopt;
        return v;
      case FieldType::floating:
        if (!v.is_number()) return wrong_type(v);
        if (!check_number(v)) return std::nullopt;
        return Value(v.as_double(), v.where());
      case FieldType::string:
      case FieldType::path:
        if (!v.is_string()) return wrong_type(v);
        if (!check_choice(v)) return std::nullopt;
        if (f.type == FieldType::path && !v.as_string().empty()) {
          // Stages and the model folders they write see absolute paths: a model.toml written
          // here still names the same files when read from another working directory.
          const Value absolute(fs::absolute(v.as_string()).lexically_normal().string(), v.where());
          if (inputs) inputs->emplace_back(absolute.as_string());
          return absolute;
        }
        return v;
      case FieldType::string_list:
      case FieldType::integer_list:
      case FieldType::float_list: {
        if (!v.is_array()) return wrong_type(v);
        Value::Array out;
        bool good = true;
        for (const auto& e : v.as_array()) {
          if (f.type == FieldType::string_list) {
            if (!e.is_string()) { wrong_type(e); good = false; continue; }
            good = check_choice(e) && good;
            out.push_back(e);
          } else if (f.type == FieldType::integer_list) {
            if (!e.is_int()) { wrong_type(e); good = false; continue; }
            good = check_number(e) && good;
            out.push_back(e);
          } else {
            if (!e.is_number()) { wrong_type(e); good = false; continue; }
            good = check_number(e) && good;
            out.push_back(Value(e.as_double(), e.where()));
          }
        }
        if (!good) return std::nullopt;
        return Value(std::move(out), v.where());
      }
      case FieldType::component:
        return resolve_component(v, f.component_kind, "in " + key, stage_index, inputs);
      case FieldType::component_list: {
        if (!v.is_array()) return wrong_type(v);
        Value::Array out;
        for (const auto& e : v.as_array())
          if (auto r = resolve_component(e, f.component_kind, "in " + key, stage_index, inputs)) out.push_back(*r);
        return Value(std::move(out), v.where());
      }
      case FieldType::stage_ref: {
        if (!v.is_string()) return wrong_type(v);
        const std::string& target = v.as_string();
        std::vector<std::string> earlier;
        for (size_t i = 0; i < stage_index; ++i) earlier.push_back(recipe_.stages[i].name);
        if (std::find(earlier.begin(), earlier.end(), target) != earlier.end()) return v;
        if (recipe_.stage(target)) {
          error(v.where(), key + " names stage '" + target + "', which does not come before it");
        } else {
          error(v.where(), key + " names no stage '" + target + "'" + suggestion_suffix(target, earlier, "earlier stages"));
        }
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

 private:
  const Recipe& recipe_;
  PluginHost* plugins_;
  std::vector<std::string> errors_;
  std::set<std::string> resolving_;
};

}  // namespace

const ResolvedStage* ResolvedRecipe::stage(const std::string& name) const {
  for (const auto& s : stages)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<fs::path> recipe_plugin_paths(const Recipe& recipe) {
  std::vector<fs::path> out;
  if (const Value* paths = recipe.plugins.find("paths")) {
    if (!paths->is_array()) throw Error(paths->where().str(), "[plugins] paths must be an array of strings");
    for (const auto& p : paths->as_array()) {
      if (!p.is_string()) throw Error(p.where().str(), "[plugins] paths must be an array of strings");
      out.emplace_back(p.as_string());
    }
  }
  return out;
}

ComponentSpec resolve_component(const Value& table, PluginHost& plugins, const std::string& kind) {
  Recipe empty;
  empty.components = Value(Value::Table{});
  Resolver r(empty, &plugins);
  auto resolved = r.resolve_table(table, kind, "", 0, nullptr);
  if (!r.ok() || !resolved) throw Error(join(r.errors(), "\n"));
  return detail::component_spec_from_value(*resolved);
}

ResolvedRecipe resolve_recipe(const Recipe& recipe, PluginHost& plugins) {
  Resolver r(recipe, &plugins);
  ResolvedRecipe out;
  out.file = recipe.file;

  const auto rs = run_schema();
  const Value run = r.validate(rs.spec(), recipe.run, "in [run]", 0, nullptr);
  r.validate(plugins_schema().spec(), recipe.plugins, "in [plugins]", 0, nullptr);
  if (r.ok()) {
    out.run = rs.bind(run);
    if (out.run.name.empty()) out.run.name = recipe.file.stem().string();
    if (out.run.dir.empty()) out.run.dir = "runs/" + out.run.name;
    out.run_dir = out.run.dir;
    if (!valid_device(out.run.device)) {
      const Value* d = run.find("device");
      r.error(d ? d->where() : recipe.run.where(),
              "invalid device '" + out.run.device + "' in [run] (\"cpu\", \"cuda\" or \"cuda:N\")");
    }
  }

  for (size_t i = 0; i < recipe.stages.size(); ++i) {
    const RecipeStage& st = recipe.stages[i];
    Value table = st.config;
    table.set("use", Value(st.use, st.use_where));
    ResolvedStage rs_stage;
    rs_stage.name = st.name;
    auto resolved = r.resolve_table(table, "stage", "in stage '" + st.name + "'", i, &rs_stage.inputs);
    if (!resolved) continue;
    rs_stage.spec = detail::component_spec_from_value(*resolved);
    out.stages.push_back(std::move(rs_stage));
  }
  if (!r.ok()) {
    // A [components] table used by several stages is checked each time: report its problems once.
    std::vector<std::string> unique;
    for (const auto& e : r.errors())
      if (std::find(unique.begin(), unique.end(), e) == unique.end()) unique.push_back(e);
    throw Error(join(unique, "\n"));
  }
  return out;
}

}  // namespace vlforge::host
