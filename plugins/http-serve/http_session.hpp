// One client connection: reads requests (keep-alive), routes them, answers errors, and for a chat
// completion encodes the prompt on this IO thread and queues it for the generation thread, whose
// text comes back on this connection's strand (a JSON body, or server-sent events as it comes).
#pragma once

#include <array>
#include <atomic>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "api_error.hpp"
#include "chat_response.hpp"
#include "serve_state.hpp"

namespace vlforge::serve {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, ServeState& state);
  void start();

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  void read();
  void on_read(boost::beast::error_code ec);
  void route(const Request& request);
  void chat(const Request& request);
  void queue_chat(const Request& request);
  // A whole response; closes the connection after it unless keep-alive.
  void reply(unsigned status, std::string body, bool keep_alive);
  void reply_error(int status, const std::string& message, bool keep_alive);
  void after_response(bool keep_alive);
  // Ends the connection without resetting it under a response the client has not read yet.
  void close();
  void drain();
  // The generation slot (state_.active) is freed when the answer is ready; the request stops
  // counting as unanswered (state_.answering, what a stop waits for) once it is written.
  void release_slot();
  void release_answer();

  // Streaming: the header, then chunks written in order as they are queued.
  void start_stream(bool keep_alive);
  void send_chunk(const std::string& data);
  void end_stream();
  void pump();
  void on_done(JobResult result, bool stream);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::array<char, 8192> discard_{};
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  ServeState& state_;
  bool holds_slot_ = false;    // counted in state_.active
  bool holds_answer_ = false;  // counted in state_.answering

  CompletionId id_;
  bool keep_alive_ = false;
  std::shared_ptr<void> response_;  // the response being written
  std::deque<std::string> chunks_;  // framed chunks waiting to be written
  bool header_sent_ = false, writing_ = false, stream_ended_ = false;
  std::atomic<bool> client_gone_{false};
};

}  // namespace vlforge::serve
