#include "http_session.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace vlforge::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(120);
constexpr auto kWriteTimeout = std::chrono::seconds(60);

// HTTP/1.1 chunked framing of one piece of the event stream.
std::string chunk_frame(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

bool is_json_content_type(std::string_view type) {
  std::string lower(type.substr(0, type.find(';')));
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  while (!lower.empty() && lower.back() == ' ') lower.pop_back();
  return lower == "application/json";
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, ServeState& state) : stream_(std::move(socket)), state_(state) {}

void HttpSession::start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
}

void HttpSession::read() {
  parser_.emplace();
  parser_->body_limit(state_.max_body_bytes);
  stream_.expires_after(kReadTimeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
}

void HttpSession::on_read(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    reply_error(413,
                "the request body is over the limit of " + std::to_string(state_.max_body_bytes) +
                    " bytes (max_body_bytes)",
                false);
    return;
  }
  if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::connection_reset ||
      ec == net::error::operation_aborted) {
    beast::error_code ignored;  // the peer is gone or idle: nothing to answer
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    return;
  }
  if (ec) {
    reply_error(400, "cannot read the HTTP request: " + ec.message(), false);
    return;
  }
  stream_.expires_never();
  route(parser_->get());
}

void HttpSession::route(const Request& request) {
  const bool keep_alive = request.keep_alive();
  const std::string_view target(request.target().data(), request.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  const auto method_not_allowed = [&](const char* allowed) {
    reply_error(405, std::string(request.method_string()) + " " + std::string(path) + " is not allowed (use " + allowed + ")",
                keep_alive);
  };
  if (path == "/health") {
    if (request.method() != http::verb::get) return method_not_allowed("GET");
    return reply(200, nlohmann::json{{"status", "ok"}}.dump(), keep_alive);
  }
  if (path == "/v1/models") {
    if (request.method() != http::verb::get) return method_not_allowed("GET");
    const nlohmann::json model{{"id", state_.model_name}, {"object", "model"}, {"created", 0}, {"owned_by", "vlforge"}};
    return reply(200, nlohmann::json{{"object", "list"}, {"data", nlohmann::json::array({model})}}.dump(), keep_alive);
  }
  if (path == "/v1/chat/completions") {
    if (request.method() != http::verb::post) return method_not_allowed("POST");
    return chat(request);
  }
  reply_error(404, "no endpoint " + std::string(path) + " (POST /v1/chat/completions, GET /v1/models, GET /health)",
              keep_alive);
}

void HttpSession::chat(const Request& request) {
  const bool keep_alive = request.keep_alive();
  if (state_.stopping) return reply_error(503, "the server is shutting down", false);
  const auto type = request[http::field::content_type];
  if (!is_json_content_type(std::string_view(type.data(), type.size())))
    return reply_error(415,
                       "Content-Type must be application/json, got '" + std::string(type.data(), type.size()) + "'",
                       keep_alive);
  if (state_.active.fetch_add(1) >= state_.max_concurrency) {
    state_.active.fetch_sub(1);
    return reply_error(429,
                       "the server is answering " + std::to_string(state_.max_concurrency) +
                           " requests (max_concurrency); retry later",
                       keep_alive);
  }
  holds_slot_ = holds_answer_ = true;
  state_.answering.fetch_add(1);
  try {
    queue_chat(request);
  } catch (const ApiError& e) {
    reply_error(e.status(), e.what(), keep_alive);
  } catch (const Error& e) {
    // What Assistant::encode rejects: a marker/image mismatch, an image it cannot decode.
    reply_error(400, e.what(), keep_alive);
  }
}

void HttpSession::queue_chat(const Request& request) {
  ChatRequest chat = parse_chat_request(request.body(), state_.limits);
  ChatPrompt prompt;
  prompt.messages = std::move(chat.messages);
  for (auto& bytes : chat.images) prompt.images.push_back(ImageInput::from_bytes(std::move(bytes)));

  auto job = std::make_shared<GenerationJob>();
  job->prompt = state_.assistant.encode(prompt);
  const auto prompt_tokens = static_cast<int64_t>(job->prompt.ids.size());
  if (prompt_tokens > state_.max_prompt_tokens)
    throw ApiError(400, "messages",
                   "the prompt is " + std::to_string(prompt_tokens) + " tokens, over the limit of " +
                       std::to_string(state_.max_prompt_tokens) + " (max_prompt_tokens)");
  job->sampling = std::move(chat.sampling);
  job->max_tokens = chat.max_tokens;
  id_ = new_completion_id(chat.model.empty() ? state_.model_name : chat.model);
  keep_alive_ = request.keep_alive();

  const bool stream = chat.stream;
  auto self = shared_from_this();
  if (stream) {
    job->on_text = [self](std::string_view delta) {
      if (self->client_gone_) return false;
      net::post(self->stream_.get_executor(),
                [self, event = content_chunk_event(self->id_, std::string(delta))] { self->send_chunk(event); });
      return true;
    };
  } else {
    job->on_text = [self](std::string_view) { return !self->client_gone_; };
  }
  job->on_done = [self, stream](JobResult result) {
    net::post(self->stream_.get_executor(), [self, stream, result = std::move(result)]() mutable {
      self->on_done(std::move(result), stream);
    });
  };
  if (stream) start_stream(keep_alive_);
  state_.queue.push(std::move(job));
}

void HttpSession::on_done(JobResult result, bool stream) {
  // The generation is over: its slot is free before the client can read the answer and ask again.
  release_slot();
  const Usage usage{result.prompt_tokens, result.completion_tokens};
  if (!stream) {
    if (!result.error.empty()) return reply_error(500, "generation failed: " + result.error, false);
    return reply(200, completion_body(id_, result.text, result.finish_reason, usage), keep_alive_);
  }
  if (!result.error.empty())
    send_chunk(sse_event(nlohmann::json::parse(error_body(500, "generation failed: " + result.error)).dump()));
  else
    send_chunk(finish_chunk_event(id_, result.finish_reason, usage));
  send_chunk(kSseDone);
  end_stream();
}

void HttpSession::reply(unsigned status, std::string body, bool keep_alive) {
  auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
  response->set(http::field::server, "vlforge");
  response->set(http::field::content_type, "application/json");
  response->keep_alive(keep_alive);
  response->body() = std::move(body);
  response->prepare_payload();
  response_ = response;
  stream_.expires_after(kWriteTimeout);
  http::async_write(stream_, *response, [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
    self->after_response(keep_alive && !ec);
  });
}

void HttpSession::reply_error(int status, const std::string& message, bool keep_alive) {
  reply(static_cast<unsigned>(status), error_body(status, message), keep_alive);
}

void HttpSession::release_slot() {
  if (!holds_slot_) return;
  holds_slot_ = false;
  state_.active.fetch_sub(1);
}

void HttpSession::release_answer() {
  if (!holds_answer_) return;
  holds_answer_ = false;
  state_.answering.fetch_sub(1);
}

void HttpSession::after_response(bool keep_alive) {
  release_slot();
  release_answer();
  response_.reset();
  if (keep_alive && !state_.stopping) {
    header_sent_ = writing_ = stream_ended_ = false;
    chunks_.clear();
    read();
    return;
  }
  close();
}

void HttpSession::close() {
  beast::error_code ignored;  // the connection ends here either way
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  drain();
}

void HttpSession::drain() {
  // What the client still sends (the rest of a body refused with 413) is read and dropped:
  // closing with unread data would reset the connection and lose the response on its way.
  stream_.expires_after(std::chrono::seconds(5));
  stream_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) {
      beast::error_code ignored;  // EOF, timeout or reset: done either way
      self->stream_.socket().close(ignored);
      return;
    }
    self->drain();
  });
}

void HttpSession::start_stream(bool keep_alive) {
  auto response = std::make_shared<http::response<http::empty_body>>(http::status::ok, 11);
  response->set(http::field::server, "vlforge");
  response->set(http::field::content_type, "text/event-stream");
  response->set(http::field::cache_control, "no-cache");
  response->keep_alive(keep_alive);
  response->chunked(true);
  auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*response);
  response_ = std::make_shared<std::pair<decltype(response), decltype(serializer)>>(response, serializer);
  writing_ = true;
  stream_.expires_after(kWriteTimeout);
  http::async_write_header(stream_, *serializer, [self = shared_from_this()](beast::error_code ec, size_t) {
    self->writing_ = false;
    self->header_sent_ = true;
    if (ec) self->client_gone_ = true;
    self->pump();
  });
  send_chunk(role_chunk_event(id_));
}

void HttpSession::send_chunk(const std::string& data) {
  if (client_gone_) return;
  chunks_.push_back(chunk_frame(data));
  pump();
}

void HttpSession::end_stream() {
  if (!client_gone_) chunks_.push_back("0\r\n\r\n");
  stream_ended_ = true;
  pump();
}

void HttpSession::pump() {
  if (!header_sent_ || writing_) return;
  if (client_gone_) chunks_.clear();
  if (chunks_.empty()) {
    if (stream_ended_) after_response(keep_alive_ && !client_gone_);
    return;
  }
  writing_ = true;
  stream_.expires_after(kWriteTimeout);
  net::async_write(stream_, net::buffer(chunks_.front()), [self = shared_from_this()](beast::error_code ec, size_t) {
    self->writing_ = false;
    self->chunks_.pop_front();
    if (ec) self->client_gone_ = true;  // its row ends at the next token
    self->pump();
  });
}

}  // namespace vlforge::serve
