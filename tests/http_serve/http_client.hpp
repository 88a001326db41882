// A blocking HTTP/1.1 client over TCP (Boost.Beast) for the server's tests and load benchmark:
// one connection per request.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vlforge::test {

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string transfer_encoding;
  std::string body;  // chunked bodies arrive decoded
};

HttpReply http_request(const std::string& host, uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body = "", const std::string& content_type = "application/json");

// Sends a streamed chat request, reads the response header and the first piece of the body,
// then closes the connection: a client that goes away mid-stream. Returns the status.
int http_stream_and_hang_up(const std::string& host, uint16_t port, const std::string& body);

// The JSON bodies of the `data:` events of an SSE body, in order ("[DONE]" as it is).
std::vector<std::string> sse_data(const std::string& body);

}  // namespace vlforge::test
