#include "vlforge/json_config.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "vlforge/error.hpp"

namespace vlforge {

struct JsonConfig::Impl {
  nlohmann::json value;
  std::string origin;
};

JsonConfig::JsonConfig(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonConfig::JsonConfig(const JsonConfig& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
JsonConfig& JsonConfig::operator=(const JsonConfig& o) {
  impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
JsonConfig::~JsonConfig() = default;

JsonConfig JsonConfig::parse(std::string_view text, std::string origin) {
  auto impl = std::make_unique<Impl>();
  impl->origin = std::move(origin);
  try {
    impl->value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(impl->origin, std::string("malformed JSON: ") + e.what());
  }
  if (!impl->value.is_object()) throw Error(impl->origin, "expected a JSON object");
  return JsonConfig(std::move(impl));
}

JsonConfig JsonConfig::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw Error(file.string(), "cannot open");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse(text, file.string());
}

const std::string& JsonConfig::origin() const noexcept { return impl_->origin; }

bool JsonConfig::has(std::string_view key) const {
  const auto it = impl_->value.find(key);
  return it != impl_->value.end() && !it->is_null();
}

std::vector<std::string> JsonConfig::keys() const {
  std::vector<std::string> out;
  for (const auto& [k, _] : impl_->value.items()) out.push_back(k);
  return out;
}

namespace {

const nlohmann::json& require(const nlohmann::json& obj, std::string_view key, const std::string& origin) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) throw Error(origin, "missing key '" + std::string(key) + "'");
  return *it;
}

template <class T>
T convert(const nlohmann::json& v, std::string_view key, const std::string& origin, const char* wanted) {
  try {
    return v.get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(origin, "key '" + std::string(key) + "' must be " + wanted + ", got " + v.dump());
  }
}

}  // namespace

int64_t JsonConfig::get_int(std::string_view key) const {
  const auto& v = require(impl_->value, key, impl_->origin);
  if (!v.is_number_integer()) throw Error(impl_->origin, "key '" + std::string(key) + "' must be an integer, got " + v.dump());
  return v.get<int64_t>();
}

double JsonConfig::get_double(std::string_view key) const {
  const auto& v = require(impl_->value, key, impl_->origin);
  if (!v.is_number()) throw Error(impl_->origin, "key '" + std::string(key) + "' must be a number, got " + v.dump());
  return v.get<double>();
}

bool JsonConfig::get_bool(std::string_view key) const {
  const auto& v = require(impl_->value, key, impl_->origin);
  if (!v.is_boolean()) throw Error(impl_->origin, "key '" + std::string(key) + "' must be true or false, got " + v.dump());
  return v.get<bool>();
}

std::string JsonConfig::get_string(std::string_view key) const {
  const auto& v = require(impl_->value, key, impl_->origin);
  if (!v.is_string()) throw Error(impl_->origin, "key '" + std::string(key) + "' must be a string, got " + v.dump());
  return v.get<std::string>();
}

std::vector<int64_t> JsonConfig::get_int_list(std::string_view key) const {
  return convert<std::vector<int64_t>>(require(impl_->value, key, impl_->origin), key, impl_->origin,
                                       "a list of integers");
}

std::vector<std::string> JsonConfig::get_string_list(std::string_view key) const {
  return convert<std::vector<std::string>>(require(impl_->value, key, impl_->origin), key, impl_->origin,
                                           "a list of strings");
}

JsonConfig JsonConfig::sub(std::string_view key) const {
  const auto& v = require(impl_->value, key, impl_->origin);
  if (!v.is_object()) throw Error(impl_->origin, "key '" + std::string(key) + "' must be an object");
  auto impl = std::make_unique<Impl>();
  impl->value = v;
  impl->origin = impl_->origin + ": " + std::string(key);
  return JsonConfig(std::move(impl));
}

int64_t JsonConfig::get_int(std::string_view key, int64_t fallback) const { return has(key) ? get_int(key) : fallback; }
double JsonConfig::get_double(std::string_view key, double fallback) const {
  return has(key) ? get_double(key) : fallback;
}
bool JsonConfig::get_bool(std::string_view key, bool fallback) const { return has(key) ? get_bool(key) : fallback; }
std::string JsonConfig::get_string(std::string_view key, std::string fallback) const {
  return has(key) ? get_string(key) : fallback;
}
std::optional<JsonConfig> JsonConfig::find_sub(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return sub(key);
}

std::string JsonConfig::dump() const { return impl_->value.dump(); }

}  // namespace vlforge
