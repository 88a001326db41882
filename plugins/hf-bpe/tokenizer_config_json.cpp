#include "tokenizer_config_json.hpp"

#include <fstream>

#include <nlohmann/json.hpp>

#include "vlforge/error.hpp"

namespace vlforge::hf_bpe {
namespace {

std::optional<std::string> token_name(const nlohmann::json& doc, const char* key, const std::filesystem::path& file) {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) return (*it)["content"].get<std::string>();
  throw Error(file.string(), std::string(key) + " is " + it->dump() + " (must be a string, {\"content\": ...} or null)");
}

}  // namespace

SpecialTokenNames read_special_token_names(const std::filesystem::path& file) {
  SpecialTokenNames names;
  std::ifstream in(file, std::ios::binary);
  if (!in) return names;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(file.string(), std::string("malformed JSON: ") + e.what());
  }
  if (!doc.is_object()) throw Error(file.string(), "not a tokenizer_config.json (the top level must be a JSON object)");
  names.bos = token_name(doc, "bos_token", file);
  names.eos = token_name(doc, "eos_token", file);
  names.pad = token_name(doc, "pad_token", file);
  return names;
}

}  // namespace vlforge::hf_bpe
