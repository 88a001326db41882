#include "model_manifest.hpp"

#include "vlforge/atomic_file.hpp"

namespace vlforge::training {

namespace {

// Value::to_string writes TOML, except for unset values, which TOML cannot hold: leave them out.
std::string toml(const Value& v) {
  if (!v.is_table()) return v.to_string();
  std::string out = "{";
  for (const auto& [key, value] : v.as_table()) {
    if (value.is_none()) continue;
    if (out.size() > 1) out += ", ";
    out += key + " = " + toml(value);  // schema field names are bare TOML keys
  }
  return out + "}";
}

}  // namespace

std::string inline_table(const ComponentSpec& spec) {
  std::string body = toml(spec.config);
  const std::string use = "use = " + Value(spec.use()).to_string();
  return body == "{}" ? "{" + use + "}" : "{" + use + ", " + body.substr(1);
}

void write_model_manifest(const std::filesystem::path& file, const ModelManifest& m) {
  std::string out =
      "# The components of the model in this folder, as `vlforge chat / serve / export --model` read them.\n";
  out += "image_token_id = " + std::to_string(m.image_token_id) + "\n";
  out += "image_tokens = " + std::to_string(m.image_tokens) + "\n";
  auto add = [&](const char* key, const ComponentSpec& spec) {
    if (!spec.empty()) out += std::string(key) + " = " + inline_table(spec) + "\n";
  };
  add("vision", m.vision);
  add("projector", m.projector);
  add("language_model", m.language_model);
  add("tokenizer", m.tokenizer);
  add("image_codec", m.image_codec);
  write_file_atomically(file, out);
}

}  // namespace vlforge::training
