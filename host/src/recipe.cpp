#include "recipe.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "vlforge/did_you_mean.hpp"
#include "vlforge/error.hpp"

namespace vlforge::host {

namespace {

SourceLocation location_of(const toml::node& node, const std::string& file) {
  const auto& src = node.source();
  return SourceLocation{file, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)};
}

// ${NAME} and ${NAME:-default}; "$${" stays a literal "${".
std::string expand_env(const std::string& s, const SourceLocation& where) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (s.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (s.compare(i, 2, "${") != 0) {
      out += s[i++];
      continue;
    }
    const size_t close = s.find('}', i + 2);
    if (close == std::string::npos) throw Error(where.str(), "unterminated '${' in \"" + s + "\"");
    std::string ref = s.substr(i + 2, close - i - 2);
    std::optional<std::string> fallback;
    if (const size_t dash = ref.find(":-"); dash != std::string::npos) {
      fallback = ref.substr(dash + 2);
      ref = ref.substr(0, dash);
    }
    if (ref.empty()) throw Error(where.str(), "empty variable name in \"" + s + "\"");
    if (const char* v = std::getenv(ref.c_str())) {
      out += v;
    } else if (fallback) {
      out += *fallback;
    } else {
      throw Error(where.str(), "environment variable '" + ref + "' is not set (set it, or write ${" + ref + ":-default})");
    }
    i = close + 1;
  }
  return out;
}

Value to_value(const toml::node& node, const std::string& file) {
  const SourceLocation where = location_of(node, file);
  if (auto* t = node.as_table()) {
    Value::Table table;
    for (const auto& [k, v] : *t) {
      Value child = to_value(v, file);
      // Errors about an entry point at its key (`lr = "x"` is reported where `lr` is written);
      // tables keep their own header position.
      if (!v.is_table()) {
        const auto& ks = k.source().begin;
        if (ks.line > 0) child.set_where(SourceLocation{file, static_cast<int>(ks.line), static_cast<int>(ks.column)});
      }
      table.emplace_back(std::string(k.str()), std::move(child));
    }
    return Value(std::move(table), where);
  }
  if (auto* a = node.as_array()) {
    Value::Array array;
    for (const auto& v : *a) array.push_back(to_value(v, file));
    return Value(std::move(array), where);
  }
  if (auto* s = node.as_string()) return Value(expand_env(s->get(), where), where);
  if (auto* i = node.as_integer()) return Value(static_cast<int64_t>(i->get()), where);
  if (auto* f = node.as_floating_point()) return Value(f->get(), where);
  if (auto* b = node.as_boolean()) return Value(b->get(), where);
  // Dates and times have no use in recipes; say so rather than guess a conversion.
  throw Error(where.str(), "dates and times are not supported in recipes");
}

Value parse_document(std::string_view text, const std::string& name) {
  try {
    toml::table doc = toml::parse(text, name);
    return to_value(doc, name);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw Error(SourceLocation{name, static_cast<int>(b.line), static_cast<int>(b.column)}.str(),
                std::string(e.description()));
  }
}

std::vector<std::string> split_dots(const std::string& path) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

Value override_value(const std::string& text, const SourceLocation& where) {
  try {
    toml::table t = toml::parse("v = " + text, where.file);
    if (const toml::node* n = t.get("v")) {
      Value v = to_value(*n, where.file);
      // Positions inside the override text mean nothing to the user; point at the --set itself.
      v.set_where(where);
      return v;
    }
  } catch (const toml::parse_error&) {
    // Not TOML: a bare word such as a path or a name.
  }
  return Value(expand_env(text, where), where);
}

void apply_override(Value& root, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("--set " + assignment, "expected KEY=VALUE, e.g. stage.pretrain.lr=1e-4");
  const std::string key = assignment.substr(0, eq);
  const SourceLocation where{"--set " + key, 0, 0};
  auto parts = split_dots(key);
  for (const auto& p : parts)
    if (p.empty()) throw Error(where.str(), "empty key segment in '" + key + "'");

  Value* node = &root;
  size_t i = 0;
  if (parts[0] == "stage") {
    if (parts.size() < 3) throw Error(where.str(), "stage overrides are stage.NAME.KEY=VALUE");
    Value* stages = root.find("stage");
    std::vector<std::string> names;
    Value* target = nullptr;
    if (stages && stages->is_array()) {
      for (auto& s : stages->as_array()) {
        const Value* n = s.find("name");
        if (n && n->is_string()) {
          names.push_back(n->as_string());
          if (n->as_string() == parts[1]) target = &s;
        }
      }
    }
    if (!target) throw Error(where.str(), "no stage named '" + parts[1] + "'" + suggestion_suffix(parts[1], names, "stages"));
    node = target;
    i = 2;
  }
  for (; i + 1 < parts.size(); ++i) {
    Value* next = node->find(parts[i]);
    if (!next) {
      node->set(parts[i], Value(Value::Table{}, where));
      next = node->find(parts[i]);
    }
    if (!next->is_table())
      throw Error(where.str(), "'" + parts[i] + "' is a " + std::string(next->type_name()) + ", not a table");
    node = next;
  }
  node->set(parts.back(), override_value(assignment.substr(eq + 1), where));
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), "cannot open recipe");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::vector<std::string> kTopLevel = {"run", "plugins", "components", "stage"};

Recipe structure(Value root, const std::string& name) {
  Recipe r;
  r.file = name;
  for (const auto& [k, v] : root.as_table()) {
    if (std::find(kTopLevel.begin(), kTopLevel.end(), k) == kTopLevel.end())
      throw Error(v.where().str(), "unknown top-level key '" + k + "'" + suggestion_suffix(k, kTopLevel));
  }
  auto table_or_empty = [&](const char* key) {
    const Value* v = root.find(key);
    if (!v) return Value(Value::Table{}, SourceLocation{name, 0, 0});
    if (!v->is_table()) throw Error(v->where().str(), std::string("'") + key + "' must be a table");
    return *v;
  };
  r.run = table_or_empty("run");
  r.plugins = table_or_empty("plugins");
  r.components = table_or_empty("components");
  for (const auto& [label, c] : r.components.as_table())
    if (!c.is_table()) throw Error(c.where().str(), "component '" + label + "' must be a table with use = \"KIND/NAME\"");

  const Value* stages = root.find("stage");
  if (!stages) throw Error(name, "recipe has no stages (add [[stage]] tables)");
  if (!stages->is_array()) throw Error(stages->where().str(), "'stage' must be an array of tables ([[stage]])");
  for (const auto& s : stages->as_array()) {
    if (!s.is_table()) throw Error(s.where().str(), "each stage must be a table ([[stage]])");
    RecipeStage st;
    st.where = s.where();
    const Value* n = s.find("name");
    if (!n) throw Error(s.where().str(), "stage has no 'name'");
    if (!n->is_string() || n->as_string().empty()) throw Error(n->where().str(), "stage 'name' must be a non-empty string");
    st.name = n->as_string();
    for (char c : st.name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
        throw Error(n->where().str(), "stage name '" + st.name + "' may hold only letters, digits, '-' and '_'");
    if (r.stage(st.name)) throw Error(n->where().str(), "duplicate stage name '" + st.name + "'");
    const Value* u = s.find("use");
    if (!u) throw Error(s.where().str(), "stage '" + st.name + "' has no 'use' (e.g. use = \"stage/score\")");
    if (!u->is_string()) throw Error(u->where().str(), "'use' must be a string \"stage/NAME\"");
    st.use = u->as_string();
    st.use_where = u->where();
    st.config = s;
    st.config.erase("name");
    st.config.erase("use");
    r.stages.push_back(std::move(st));
  }
  if (r.stages.empty()) throw Error(stages->where().str(), "recipe has no stages");
  return r;
}

}  // namespace

std::vector<std::string> Recipe::stage_names() const {
  std::vector<std::string> out;
  for (const auto& s : stages) out.push_back(s.name);
  return out;
}

const RecipeStage* Recipe::stage(const std::string& name) const {
  for (const auto& s : stages)
    if (s.name == name) return &s;
  return nullptr;
}

Value parse_toml(std::string_view text, const std::string& name) { return parse_document(text, name); }

Recipe parse_recipe(std::string_view text, const std::string& name, const std::vector<std::string>& overrides) {
  Value root = parse_document(text, name);
  for (const auto& o : overrides) apply_override(root, o);
  return structure(std::move(root), name);
}

Recipe load_recipe(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  return parse_recipe(read_file(file), file.string(), overrides);
}

}  // namespace vlforge::host
