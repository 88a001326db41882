#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <sstream>
#include <vector>

namespace vlforge::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

http::request<http::string_body> make_request(const std::string& host, const std::string& method,
                                              const std::string& target, const std::string& body,
                                              const std::string& content_type) {
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, host);
  req.set(http::field::user_agent, "vlforge-test");
  if (!body.empty() || method == "POST") {
    req.set(http::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
  }
  return req;
}

}  // namespace

HttpReply http_request(const std::string& host, uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body, const std::string& content_type) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address(host), port));
  http::write(stream, make_request(host, method, target, body, content_type));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  http::read(stream, buffer, parser);
  const auto& res = parser.get();
  HttpReply out;
  out.status = res.result_int();
  out.content_type = std::string(res[http::field::content_type]);
  out.transfer_encoding = std::string(res[http::field::transfer_encoding]);
  out.body = res.body();
  beast::error_code ignored;  // the server may have closed first
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return out;
}

int http_stream_and_hang_up(const std::string& host, uint16_t port, const std::string& body) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address(host), port));
  http::write(stream, make_request(host, "POST", "/v1/chat/completions", body, "application/json"));
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  http::read_header(stream, buffer, parser);
  const int status = parser.get().result_int();
  stream.socket().close();
  return status;
}

std::vector<std::string> sse_data(const std::string& body) {
  std::vector<std::string> out;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("data: ", 0) == 0) out.push_back(line.substr(6));
  return out;
}

}  // namespace vlforge::test
