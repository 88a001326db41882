// The generation thread: the one thread that runs the model. IO threads push encoded requests;
// the thread waits batch_wait after the first one arrives, takes up to max_batch requests that
// can share a generation config (all greedy ones together; sampled ones with equal settings),
// answers them with one Assistant::generate() and streams each row's text back through its job.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "chat_request.hpp"
#include "vlforge/assistant.hpp"

namespace vlforge::serve {

struct JobResult {
  std::string text;
  std::string finish_reason;  // "stop" or "length"
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  bool cancelled = false;  // the client went away
  std::string error;       // generation failed: the reason (the other fields are empty)
};

struct GenerationJob {
  EncodedPrompt prompt;
  Sampling sampling;
  int64_t max_tokens = 128;
  // On the generation thread, with each new piece of text; false: the client is gone, end the row.
  std::function<bool(std::string_view delta)> on_text;
  // On the generation thread, once, when the row is done.
  std::function<void(JobResult)> on_done;
  std::chrono::steady_clock::time_point queued_at;
};

struct QueueOptions {
  size_t max_batch = 16;
  std::chrono::milliseconds batch_wait{5};
  bool batching = true;  // false: one request per generate() call
};

class GenerationQueue {
 public:
  GenerationQueue(Assistant& assistant, QueueOptions options);
  ~GenerationQueue();  // stop()
  GenerationQueue(const GenerationQueue&) = delete;
  GenerationQueue& operator=(const GenerationQueue&) = delete;

  void push(std::shared_ptr<GenerationJob> job);
  // Answers what is queued, then ends the thread.
  void stop();

  // Totals since start, for the log.
  int64_t batches() const;
  int64_t rows() const;

 private:
  void loop();
  std::vector<std::shared_ptr<GenerationJob>> take_batch(std::unique_lock<std::mutex>& lock);
  void run_batch(const std::vector<std::shared_ptr<GenerationJob>>& batch);

  Assistant& assistant_;
  QueueOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<GenerationJob>> queue_;
  bool stopping_ = false;
  int64_t batches_ = 0, rows_ = 0;
  std::thread thread_;
};

}  // namespace vlforge::serve
