// Accepts TCP connections and starts an HttpSession on each, on its own strand.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "serve_state.hpp"

namespace vlforge::serve {

class HttpListener : public std::enable_shared_from_this<HttpListener> {
 public:
  // Binds and listens; throws vlforge::Error naming host:port when it cannot.
  HttpListener(boost::asio::io_context& ioc, const std::string& host, uint16_t port, ServeState& state);
  uint16_t port() const;
  void start();
  // Stops accepting (thread-safe).
  void stop();

 private:
  void accept();

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  ServeState& state_;
};

}  // namespace vlforge::serve
