#include "schema_doc.hpp"

#include <algorithm>

#include "plugin_loader.hpp"

namespace vlforge::host {

namespace {

// Markdown table cells may not hold a bare '|'.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string default_text(const FieldSpec& f) {
  if (f.required) return "required";
  if (f.default_value.is_none()) return "optional";
  return "`" + f.default_value.to_string() + "`";
}

std::string type_text(const FieldSpec& f) {
  FieldSpec bare = f;
  bare.required = false;
  bare.default_value = Value();
  std::string s = bare.summary();
  const std::string suffix = ", optional";
  if (s.ends_with(suffix)) s.resize(s.size() - suffix.size());
  return s;
}

}  // namespace

std::string describe_text(const Registry::Entry& entry) {
  const auto& schema = entry.component.schema;
  std::string out = entry.component.use() + "  (plugin " + entry.plugin->name + " " + entry.plugin->version + ", " +
                    entry.plugin->path.string() + ")\n";
  if (!schema.doc.empty()) out += "\n  " + schema.doc + "\n";
  if (schema.fields.empty()) return out + "\n  (no config keys)\n";
  size_t w = 3;
  for (const auto& f : schema.fields) w = std::max(w, f.name.size());
  out += "\n";
  for (const auto& f : schema.fields) {
    out += "  " + f.name + std::string(w - f.name.size(), ' ') + "  " + f.summary() + "\n";
    out += "  " + std::string(w, ' ') + "  " + f.doc + "\n";
  }
  return out;
}

std::string describe_markdown(const Registry::Entry& entry) {
  const auto& schema = entry.component.schema;
  std::string out = "### `" + entry.component.use() + "`\n\nPlugin `" + entry.plugin->name + "`.";
  if (!schema.doc.empty()) out += " " + schema.doc;
  out += "\n\n";
  if (schema.fields.empty()) return out + "No config keys.\n\n";
  out += "| key | type | default | meaning |\n|---|---|---|---|\n";
  for (const auto& f : schema.fields)
    out += "| `" + f.name + "` | " + cell(type_text(f)) + " | " + cell(default_text(f)) + " | " + cell(f.doc) + " |\n";
  return out + "\n";
}

}  // namespace vlforge::host
