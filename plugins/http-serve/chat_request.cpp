#include "chat_request.hpp"

#include <nlohmann/json.hpp>

#include "api_error.hpp"
#include "data_uri.hpp"

namespace vlforge::serve {

using nlohmann::json;

namespace {

// vlforge::kImageMarker (assistant.hpp), spelled here to keep the parser free of torch headers.
constexpr std::string_view kImageMarker = "<image>";

const json* find(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

double number(const json& v, const std::string& where, double lo, double hi) {
  if (!v.is_number()) throw ApiError(400, where, "expected a number, got " + v.dump());
  const double x = v.get<double>();
  if (x < lo || x > hi)
    throw ApiError(400, where, std::to_string(x) + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return x;
}

int64_t integer(const json& v, const std::string& where) {
  if (!v.is_number_integer()) throw ApiError(400, where, "expected an integer, got " + v.dump());
  return v.get<int64_t>();
}

std::string text_of(const json& v, const std::string& where) {
  if (!v.is_string()) throw ApiError(400, where, "expected a string, got " + v.dump());
  return v.get<std::string>();
}

// A content given as parts: text parts in order, each image part an "<image>" marker there.
std::string parts_content(const json& parts, const std::string& where, const RequestLimits& limits,
                          std::vector<std::vector<uint8_t>>& images) {
  std::string content;
  for (size_t i = 0; i < parts.size(); ++i) {
    const json& part = parts[i];
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!part.is_object()) throw ApiError(400, at, "expected a content part object");
    const json* type = find(part, "type");
    if (!type) throw ApiError(400, at + ".type", "missing");
    const std::string kind = text_of(*type, at + ".type");
    if (!content.empty()) content += "\n";
    if (kind == "text") {
      const json* text = find(part, "text");
      if (!text) throw ApiError(400, at + ".text", "missing");
      content += text_of(*text, at + ".text");
    } else if (kind == "image_url") {
      const json* image = find(part, "image_url");
      if (!image) throw ApiError(400, at + ".image_url", "missing");
      // {"url": "..."} as OpenAI sends it, or the URL itself.
      const json* url = image->is_object() ? find(*image, "url") : image;
      if (!url) throw ApiError(400, at + ".image_url.url", "missing");
      images.push_back(decode_data_uri(text_of(*url, at + ".image_url.url"), limits.max_image_bytes,
                                       at + ".image_url.url"));
      content += kImageMarker;
    } else {
      throw ApiError(400, at + ".type", "unsupported content part type '" + kind + "' (text or image_url)");
    }
  }
  return content;
}

ChatMessage message(const json& m, const std::string& where, const RequestLimits& limits,
                    std::vector<std::vector<uint8_t>>& images) {
  if (!m.is_object()) throw ApiError(400, where, "expected a message object");
  const json* role = find(m, "role");
  if (!role) throw ApiError(400, where + ".role", "missing");
  ChatMessage out;
  out.role = text_of(*role, where + ".role");
  if (out.role != "system" && out.role != "user" && out.role != "assistant")
    throw ApiError(400, where + ".role", "unsupported role '" + out.role + "' (system, user or assistant)");
  const json* content = find(m, "content");
  if (!content) throw ApiError(400, where + ".content", "missing");
  if (content->is_string())
    out.content = content->get<std::string>();
  else if (content->is_array())
    out.content = parts_content(*content, where + ".content", limits, images);
  else
    throw ApiError(400, where + ".content", "expected a string or a list of content parts");
  return out;
}

std::vector<std::string> stop_strings(const json& v) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) out.push_back(text_of(v[i], "stop[" + std::to_string(i) + "]"));
  } else {
    throw ApiError(400, "stop", "expected a string or a list of strings");
  }
  for (const auto& s : out)
    if (s.empty()) throw ApiError(400, "stop", "an empty stop string");
  return out;
}

}  // namespace

bool Sampling::batches_with(const Sampling& other) const {
  if (stop != other.stop || greedy() != other.greedy()) return false;
  return greedy() || (temperature == other.temperature && top_p == other.top_p && seed == other.seed);
}

ChatRequest parse_chat_request(std::string_view body, const RequestLimits& limits) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    throw ApiError(400, "body", std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object()) throw ApiError(400, "body", "expected a JSON object");

  ChatRequest r;
  if (const json* model = find(j, "model")) r.model = text_of(*model, "model");
  const json* messages = find(j, "messages");
  if (!messages) throw ApiError(400, "messages", "missing");
  if (!messages->is_array() || messages->empty()) throw ApiError(400, "messages", "expected a non-empty list");
  for (size_t i = 0; i < messages->size(); ++i)
    r.messages.push_back(message((*messages)[i], "messages[" + std::to_string(i) + "]", limits, r.images));

  r.max_tokens = limits.default_max_tokens;
  for (const char* key : {"max_completion_tokens", "max_tokens"}) {
    const json* v = find(j, key);
    if (!v) continue;
    r.max_tokens = integer(*v, key);
    if (r.max_tokens < 1 || r.max_tokens > limits.max_tokens)
      throw ApiError(400, key,
                     std::to_string(r.max_tokens) + " is out of range [1, " + std::to_string(limits.max_tokens) + "]");
    break;
  }
  if (const json* v = find(j, "temperature")) r.sampling.temperature = number(*v, "temperature", 0, 2);
  if (const json* v = find(j, "top_p")) {
    r.sampling.top_p = number(*v, "top_p", 0, 1);
    if (r.sampling.top_p == 0) throw ApiError(400, "top_p", "must be above 0");
  }
  if (const json* v = find(j, "seed")) {
    const int64_t seed = integer(*v, "seed");
    if (seed < 0) throw ApiError(400, "seed", "must not be negative");
    r.sampling.seed = static_cast<uint64_t>(seed);
  }
  if (const json* v = find(j, "stop")) r.sampling.stop = stop_strings(*v);
  if (const json* v = find(j, "stream")) {
    if (!v->is_boolean()) throw ApiError(400, "stream", "expected true or false");
    r.stream = v->get<bool>();
  }
  if (const json* v = find(j, "n"); v && (!v->is_number_integer() || v->get<int64_t>() != 1))
    throw ApiError(400, "n", "only one choice per request (n = 1)");
  return r;
}

}  // namespace vlforge::serve
