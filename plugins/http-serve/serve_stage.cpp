#include "serve_stage.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "generation_queue.hpp"
#include "http_listener.hpp"
#include "serve_state.hpp"
#include "vlforge/atomic_file.hpp"
#include "vlforge/error.hpp"

namespace vlforge::serve {

namespace net = boost::asio;

namespace {

// How long a stop waits for requests in flight before it ends the server anyway.
constexpr auto kDrainTimeout = std::chrono::seconds(30);

// Set once by a signal or the duration timer; run() waits for it.
class StopFlag {
 public:
  void set() {
    {
      std::lock_guard lock(mutex_);
      set_ = true;
    }
    changed_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return set_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool set_ = false;
};

int64_t prompt_limit(const ServeStageConfig& cfg, int64_t context_length) {
  const int64_t limit = cfg.max_prompt_tokens > 0 ? cfg.max_prompt_tokens : context_length - cfg.max_tokens;
  if (limit < 1 || limit + cfg.max_tokens > context_length)
    throw Error("stage/serve max_prompt_tokens",
                "max_prompt_tokens (" + std::to_string(limit) + ") + max_tokens (" + std::to_string(cfg.max_tokens) +
                    ") must fit the model's context of " + std::to_string(context_length) + " tokens");
  return limit;
}

}  // namespace

Schema<ServeStageConfig> serve_stage_schema() {
  Schema<ServeStageConfig> s(
      "Serves a trained model over HTTP with an OpenAI-compatible API (POST /v1/chat/completions, streaming "
      "included; GET /v1/models; GET /health), batching concurrent requests, until SIGINT/SIGTERM or duration_s.");
  add_assistant_fields(s);
  s.field("host", &ServeStageConfig::host, "address to listen on (0.0.0.0: every interface)");
  s.field("port", &ServeStageConfig::port, "TCP port; 0: any free port (written to server.json)").range(0, 65535);
  s.field("max_body_bytes", &ServeStageConfig::max_body_bytes, "largest request body; larger gets 413").min(1);
  s.field("max_image_bytes", &ServeStageConfig::max_image_bytes, "largest decoded image of a data URI; larger gets 413")
      .min(1);
  s.field("max_tokens", &ServeStageConfig::max_tokens, "the most completion tokens a request may ask for").min(1);
  s.field("default_max_tokens", &ServeStageConfig::default_max_tokens,
          "completion tokens of a request that sets no max_tokens (at most max_tokens)")
      .min(1);
  s.field("max_prompt_tokens", &ServeStageConfig::max_prompt_tokens,
          "longest prompt in tokens (images count image_tokens each); longer gets 400. 0: context length - max_tokens")
      .min(0);
  s.field("max_concurrency", &ServeStageConfig::max_concurrency,
          "chat requests being answered or queued at once; more get 429")
      .min(1);
  s.field("max_batch", &ServeStageConfig::max_batch, "most requests answered by one batched generation").min(1);
  s.field("batch_wait_ms", &ServeStageConfig::batch_wait_ms,
          "how long the first queued request waits for others to batch with")
      .min(0);
  s.field("batching", &ServeStageConfig::batching, "batch concurrent requests; false: one generation per request");
  s.field("threads", &ServeStageConfig::threads, "IO threads (parse, decode images, tokenise, write)").min(1);
  s.field("duration_s", &ServeStageConfig::duration_s, "stop after this many seconds; 0: run until SIGINT/SIGTERM")
      .min(0);
  return s;
}

void ServeStage::run(Context& ctx) {
  const std::unique_ptr<Assistant> assistant = Assistant::load(cfg_, ctx);
  GenerationQueue queue(*assistant, QueueOptions{static_cast<size_t>(cfg_.max_batch),
                                                 std::chrono::milliseconds(cfg_.batch_wait_ms), cfg_.batching});
  ServeState state{*assistant,
                   queue,
                   cfg_.model,
                   RequestLimits{cfg_.max_tokens, std::min(cfg_.default_max_tokens, cfg_.max_tokens), static_cast<size_t>(cfg_.max_image_bytes)},
                   static_cast<size_t>(cfg_.max_body_bytes),
                   prompt_limit(cfg_, assistant->context_length()),
                   cfg_.max_concurrency};

  net::io_context ioc(static_cast<int>(cfg_.threads));
  auto listener = std::make_shared<HttpListener>(ioc, cfg_.host, static_cast<uint16_t>(cfg_.port), state);
  const uint16_t port = listener->port();

  StopFlag stop;
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;  // cancelled at the end of run()
    ctx.log().info("signal ", signal, ": stopping");
    stop.set();
  });
  net::steady_timer timer(ioc);
  if (cfg_.duration_s > 0) {
    timer.expires_after(std::chrono::milliseconds(static_cast<int64_t>(cfg_.duration_s * 1000)));
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled at the end of run()
      ctx.log().info("duration_s = ", cfg_.duration_s, " reached: stopping");
      stop.set();
    });
  }
  listener->start();
  std::vector<std::thread> threads;
  for (int64_t i = 0; i < cfg_.threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });

  write_file_atomically(ctx.work_dir() / "server.json",
                        nlohmann::json{{"host", cfg_.host}, {"port", port}, {"pid", static_cast<int64_t>(getpid())}}
                                .dump() + "\n");
  ctx.log().info("serving on http://", cfg_.host, ":", port, " (", cfg_.model, ", prompts up to ",
                 state.max_prompt_tokens, " tokens, batching ", cfg_.batching ? "on" : "off", ")");

  stop.wait();
  state.stopping = true;
  listener->stop();
  const auto deadline = std::chrono::steady_clock::now() + kDrainTimeout;
  while (state.answering > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (state.answering > 0)
    ctx.log().warn(state.answering.load(), " request(s) still in flight after the drain timeout");
  queue.stop();
  signals.cancel();
  timer.cancel();
  ioc.stop();
  for (auto& t : threads) t.join();
  ctx.log().info("served ", queue.rows(), " completion(s) in ", queue.batches(), " generation batch(es)");
}

}  // namespace vlforge::serve
