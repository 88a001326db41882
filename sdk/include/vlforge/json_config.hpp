// vlforge::JsonConfig: read access to a JSON configuration such as a Hugging Face config.json,
// with errors that name the file and the key.
//
//   auto cfg = JsonConfig::load(folder / "config.json");
//   int64_t hidden = cfg.get_int("hidden_size");
//   double theta = cfg.get_double("rope_theta", 10000.0);
//   auto vision = cfg.sub("vision_config");   // nested object (CLIP/SigLIP composite configs)
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/export.hpp"

namespace vlforge {

class VLFORGE_API JsonConfig {
 public:
  // Throws vlforge::Error for a missing file or malformed JSON (with line and column).
  static JsonConfig load(const std::filesystem::path& file);
  static JsonConfig parse(std::string_view text, std::string origin);
  JsonConfig(const JsonConfig&);
  JsonConfig& operator=(const JsonConfig&);
  ~JsonConfig();

  // Where this object came from: "file.json" or "file.json: vision_config".
  const std::string& origin() const noexcept;
  bool has(std::string_view key) const;  // present and not null
  std::vector<std::string> keys() const;

  // Required keys: a missing key or a wrong type is an error naming origin and key.
  int64_t get_int(std::string_view key) const;
  double get_double(std::string_view key) const;  // integers convert
  bool get_bool(std::string_view key) const;
  std::string get_string(std::string_view key) const;
  std::vector<int64_t> get_int_list(std::string_view key) const;
  std::vector<std::string> get_string_list(std::string_view key) const;
  JsonConfig sub(std::string_view key) const;

  // Optional keys: the fallback when absent or null; a wrong type is still an error.
  int64_t get_int(std::string_view key, int64_t fallback) const;
  double get_double(std::string_view key, double fallback) const;
  bool get_bool(std::string_view key, bool fallback) const;
  std::string get_string(std::string_view key, std::string fallback) const;
  std::optional<JsonConfig> find_sub(std::string_view key) const;

  // The object as compact JSON text.
  std::string dump() const;

 private:
  struct Impl;
  explicit JsonConfig(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vlforge
