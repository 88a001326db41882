#include "http_listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>

#include "http_session.hpp"
#include "vlforge/error.hpp"

namespace vlforge::serve {

namespace net = boost::asio;
using tcp = net::ip::tcp;

HttpListener::HttpListener(net::io_context& ioc, const std::string& host, uint16_t port, ServeState& state)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), state_(state) {
  const std::string where = "stage/serve " + host + ":" + std::to_string(port);
  boost::system::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) throw Error(where, "host is not an IP address: " + ec.message());
  const tcp::endpoint endpoint(address, port);
  if (acceptor_.open(endpoint.protocol(), ec); ec) throw Error(where, "cannot open a socket: " + ec.message());
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec)
    throw Error(where, "cannot set SO_REUSEADDR: " + ec.message());
  if (acceptor_.bind(endpoint, ec); ec) throw Error(where, "cannot bind: " + ec.message());
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec)
    throw Error(where, "cannot listen: " + ec.message());
}

uint16_t HttpListener::port() const { return acceptor_.local_endpoint().port(); }

void HttpListener::start() { accept(); }

void HttpListener::stop() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;  // closing a closed acceptor is no failure
    self->acceptor_.close(ignored);
  });
}

void HttpListener::accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
    if (!self->acceptor_.is_open()) return;
    if (!ec) std::make_shared<HttpSession>(std::move(socket), self->state_)->start();
    self->accept();
  });
}

}  // namespace vlforge::serve
