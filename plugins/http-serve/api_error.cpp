#include "api_error.hpp"

#include <nlohmann/json.hpp>

namespace vlforge::serve {

namespace {

std::string type_of(int status) {
  if (status == 429) return "rate_limit_error";
  if (status == 404) return "not_found_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

std::string code_of(int status) {
  switch (status) {
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 413: return "payload_too_large";
    case 415: return "unsupported_media_type";
    case 429: return "too_many_requests";
    case 503: return "shutting_down";
    default: return status >= 500 ? "internal_error" : "bad_request";
  }
}

}  // namespace

ApiError::ApiError(int status, std::string where, std::string what)
    : Error(std::move(where), std::move(what)), status_(status) {}

std::string ApiError::type() const { return type_of(status_); }

std::string ApiError::body() const { return error_body(status_, what()); }

std::string error_body(int status, const std::string& message) {
  return nlohmann::json{{"error", {{"message", message}, {"type", type_of(status)}, {"code", code_of(status)}}}}.dump();
}

}  // namespace vlforge::serve
