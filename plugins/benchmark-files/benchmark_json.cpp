#include "benchmark_json.hpp"

#include <fstream>
#include <sstream>

#include "vlforge/error.hpp"

namespace vlforge::benchmark_files {

Json read_json_file(const std::filesystem::path& file, const Json::parser_callback_t& callback) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), "cannot be read (missing file or no permission)");
  try {
    return Json::parse(in, callback);
  } catch (const Json::parse_error& e) {
    throw Error(file.string(), std::string("not valid JSON (") + e.what() + ")");
  }
}

std::vector<Json> read_json_lines(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), "cannot be read (missing file or no permission)");
  std::vector<Json> values;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      values.push_back(Json::parse(line));
    } catch (const Json::parse_error& e) {
      throw Error(file.string() + ":" + std::to_string(number), std::string("not valid JSON (") + e.what() + ")");
    }
  }
  return values;
}

const Json& json_key(const Json& object, std::string_view key, const std::filesystem::path& file,
                     const std::string& what) {
  if (!object.is_object())
    throw Error(file.string(), what + " is " + std::string(object.type_name()) + ", expected an object");
  const auto it = object.find(key);
  if (it == object.end()) throw Error(file.string(), what + " has no key '" + std::string(key) + "'");
  return *it;
}

std::string json_string(const Json& object, std::string_view key, const std::filesystem::path& file,
                        const std::string& what) {
  const Json& value = json_key(object, key, file, what);
  if (!value.is_string())
    throw Error(file.string(), what + "." + std::string(key) + " is " + value.type_name() + ", expected a string");
  return value.get<std::string>();
}

std::string json_id_text(const Json& object, std::string_view key, const std::filesystem::path& file,
                         const std::string& what) {
  const Json& value = json_key(object, key, file, what);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return value.dump();
  throw Error(file.string(),
              what + "." + std::string(key) + " is " + value.type_name() + ", expected an integer or a string");
}

const Json& json_array(const Json& value, const std::filesystem::path& file, const std::string& what) {
  if (!value.is_array())
    throw Error(file.string(), what + " is " + std::string(value.type_name()) + ", expected an array");
  return value;
}

}  // namespace vlforge::benchmark_files
