// An error answered to an HTTP client: its status and the OpenAI error object
// {"error": {"message", "type", "code"}} that carries it.
#pragma once

#include <string>

#include "vlforge/error.hpp"

namespace vlforge::serve {

class ApiError : public Error {
 public:
  // `where`: the request field at fault ("messages[0].content", "body", ...).
  ApiError(int status, std::string where, std::string what);

  int status() const noexcept { return status_; }
  // OpenAI's error type for the status: invalid_request_error, rate_limit_error, ...
  std::string type() const;
  // The response body.
  std::string body() const;

 private:
  int status_;
};

// The OpenAI error body for any status and message.
std::string error_body(int status, const std::string& message);

}  // namespace vlforge::serve
