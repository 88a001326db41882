#include "generation_queue.hpp"

#include <algorithm>

namespace vlforge::serve {

namespace {

GenerationConfig config_for(const std::vector<std::shared_ptr<GenerationJob>>& batch) {
  const Sampling& s = batch.front()->sampling;
  GenerationConfig g;
  g.max_new_tokens = 0;
  for (const auto& job : batch) g.max_new_tokens = std::max(g.max_new_tokens, job->max_tokens);
  g.do_sample = !s.greedy();
  if (g.do_sample) {
    g.temperature = s.temperature;
    g.top_p = s.top_p;
    g.seed = s.seed;
  }
  g.stop_strings = s.stop;
  return g;
}

std::string finish_reason(FinishReason f) {
  return f == FinishReason::stop_token || f == FinishReason::stop_string ? "stop" : "length";
}

}  // namespace

GenerationQueue::GenerationQueue(Assistant& assistant, QueueOptions options)
    : assistant_(assistant), options_(options), thread_([this] { loop(); }) {}

GenerationQueue::~GenerationQueue() { stop(); }

void GenerationQueue::push(std::shared_ptr<GenerationJob> job) {
  job->queued_at = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void GenerationQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

int64_t GenerationQueue::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

int64_t GenerationQueue::rows() const {
  std::lock_guard lock(mutex_);
  return rows_;
}

void GenerationQueue::loop() {
  for (;;) {
    std::vector<std::shared_ptr<GenerationJob>> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      batch = take_batch(lock);
      ++batches_;
      rows_ += static_cast<int64_t>(batch.size());
    }
    run_batch(batch);
  }
}

std::vector<std::shared_ptr<GenerationJob>> GenerationQueue::take_batch(std::unique_lock<std::mutex>& lock) {
  const size_t limit = options_.batching ? options_.max_batch : 1;
  if (options_.batching) {
    // Requests that arrive within batch_wait of the first share its decoding steps.
    const auto deadline = queue_.front()->queued_at + options_.batch_wait;
    wake_.wait_until(lock, deadline, [&] { return stopping_ || queue_.size() >= limit; });
  }
  std::vector<std::shared_ptr<GenerationJob>> batch;
  const Sampling first = queue_.front()->sampling;
  for (auto it = queue_.begin(); it != queue_.end() && batch.size() < limit;) {
    if ((*it)->sampling.batches_with(first)) {
      batch.push_back(std::move(*it));
      it = queue_.erase(it);
    } else {
      ++it;
    }
  }
  return batch;
}

void GenerationQueue::run_batch(const std::vector<std::shared_ptr<GenerationJob>>& batch) {
  const GenerationConfig config = config_for(batch);
  std::vector<EncodedPrompt> prompts;
  prompts.reserve(batch.size());
  // Each row ends at its own max_tokens (the assistant counts them); the batch runs to the longest.
  for (const auto& job : batch) {
    prompts.push_back(job->prompt);
    prompts.back().max_new_tokens = job->max_tokens;
  }
  std::vector<bool> gone(batch.size(), false);
  const TextCallback on_text = [&](size_t row, std::string_view delta) {
    GenerationJob& job = *batch[row];
    if (job.on_text && !job.on_text(delta)) {
      gone[row] = true;
      return false;
    }
    return true;
  };

  std::vector<Reply> replies;
  try {
    replies = assistant_.generate(std::span<const EncodedPrompt>(prompts), config, on_text);
  } catch (const std::exception& e) {
    for (const auto& job : batch) {
      JobResult failed;
      failed.error = e.what();
      job->on_done(std::move(failed));
    }
    return;
  }
  for (size_t row = 0; row < batch.size(); ++row) {
    const GenerationJob& job = *batch[row];
    const Reply& reply = replies[row];
    JobResult r;
    r.prompt_tokens = reply.prompt_tokens;
    r.cancelled = gone[row];
    r.text = reply.text;
    r.finish_reason = finish_reason(reply.finish);
    r.completion_tokens = static_cast<int64_t>(reply.tokens.size());
    job.on_done(std::move(r));
  }
}

}  // namespace vlforge::serve
