// Reading the benchmarks' JSON files with errors that name the file and the entry: a bad file
// reads "FILE: not valid JSON (... line 3, column 7 ...)", a missing key
// "FILE: annotations[12] has no key 'answers'".
// Shared by the evaluator plugins (vqa-eval, mcq-eval).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace vlforge::benchmark_files {

// Objects keep the file's key order: GQA's questions and MathVista's testmini.json are objects,
// and their order is the order of the queries.
using Json = nlohmann::ordered_json;

// The whole file; `callback` (nlohmann's parser callback) may drop what is not needed while
// parsing, to keep big files small in memory.
Json read_json_file(const std::filesystem::path& file, const Json::parser_callback_t& callback = nullptr);

// One JSON value per non-blank line (JSON Lines).
std::vector<Json> read_json_lines(const std::filesystem::path& file);

// `object[key]`; an error naming `file` and `what` (e.g. "annotations[12]") when `object` is not
// an object or lacks the key.
const Json& json_key(const Json& object, std::string_view key, const std::filesystem::path& file,
                     const std::string& what);

// The value at `key`, which must be a string.
std::string json_string(const Json& object, std::string_view key, const std::filesystem::path& file,
                        const std::string& what);

// The value at `key` as text, which must be a string or an integer (ids): 42 -> "42".
std::string json_id_text(const Json& object, std::string_view key, const std::filesystem::path& file,
                         const std::string& what);

// `value` itself, which must be an array.
const Json& json_array(const Json& value, const std::filesystem::path& file, const std::string& what);

}  // namespace vlforge::benchmark_files
