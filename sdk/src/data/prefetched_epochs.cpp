#include "prefetched_epochs.hpp"

#include <nlohmann/json.hpp>

#include "vlforge/error.hpp"

namespace vlforge {

PrefetchedEpochs::PrefetchedEpochs(std::string where, int rank, int world_size, int workers, int64_t prefetch,
                                   Plan plan, Build build)
    : where_(std::move(where)),
      rank_(rank),
      world_(world_size),
      workers_count_(workers),
      prefetch_(prefetch),
      plan_(std::move(plan)),
      build_(std::move(build)) {
  if (world_ < 1 || rank_ < 0 || rank_ >= world_)
    throw Error(where_, "rank " + std::to_string(rank_) + " of world size " + std::to_string(world_) +
                            " (expected 0 <= rank < world size)");
  if (workers_count_ < 1 || prefetch_ < 1)
    throw Error(where_, "workers " + std::to_string(workers_count_) + ", prefetch " + std::to_string(prefetch_) +
                            " (each must be at least 1)");
}

PrefetchedEpochs::~PrefetchedEpochs() { stop_workers(); }

void PrefetchedEpochs::start(int64_t epoch, int64_t first) {
  stop_workers();
  const int64_t global = plan_(epoch);
  batches_ = global / world_;
  epoch_ = epoch;
  if (first < 0 || first > batches_)
    throw Error(where_, "cannot start epoch " + std::to_string(epoch) + " at micro-batch " + std::to_string(first) +
                            " (it has " + std::to_string(batches_) + " on rank " + std::to_string(rank_) + ")");
  taken_ = first;
  claimed_ = first;
  failed_ = nullptr;
}

void PrefetchedEpochs::start_workers() {
  stopping_ = false;
  for (int w = 0; w < workers_count_; ++w) workers_.emplace_back([this] { work(); });
}

void PrefetchedEpochs::stop_workers() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  ready_.clear();
}

void PrefetchedEpochs::work() {
  for (;;) {
    int64_t batch = 0;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] { return stopping_ || claimed_ >= batches_ || claimed_ < taken_ + prefetch_; });
      if (stopping_ || claimed_ >= batches_) return;
      batch = claimed_++;
    }
    Slot slot;
    try {
      slot.batch = build_(batch * world_ + rank_);
    } catch (...) {
      // Carried to the consumer: next() rethrows it when it reaches this batch.
      slot.error = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      ready_.emplace(batch, std::move(slot));
    }
    ready_cv_.notify_all();
  }
}

void PrefetchedEpochs::set_epoch(int64_t epoch) {
  if (epoch < 0) throw Error(where_, "epoch " + std::to_string(epoch) + " (expected >= 0)");
  start(epoch, 0);
}

bool PrefetchedEpochs::next(TrainBatch& out) {
  if (failed_) std::rethrow_exception(failed_);
  if (taken_ >= batches_) return false;
  if (workers_.empty()) start_workers();
  Slot slot;
  {
    std::unique_lock lock(mutex_);
    ready_cv_.wait(lock, [&] { return ready_.count(taken_) != 0; });
    auto it = ready_.find(taken_);
    slot = std::move(it->second);
    ready_.erase(it);
    if (!slot.error) ++taken_;
  }
  work_cv_.notify_all();
  if (slot.error) {
    // position() stays at the failed batch, so a run restored from it retries that batch.
    failed_ = slot.error;
    stop_workers();
    std::rethrow_exception(slot.error);
  }
  out = std::move(slot.batch);
  return true;
}

std::string PrefetchedEpochs::position() const {
  std::lock_guard lock(mutex_);
  return nlohmann::json{{"epoch", epoch_}, {"microbatches", taken_ * world_}}.dump();
}

void PrefetchedEpochs::restore(std::string_view position) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(position);
  } catch (const nlohmann::json::exception& e) {
    throw Error(where_, "position '" + std::string(position) + "' is not JSON: " + e.what());
  }
  const auto field = [&](const char* key) {
    if (!json.is_object() || !json.contains(key) || !json[key].is_number_integer() || json[key].get<int64_t>() < 0)
      throw Error(where_, "position '" + std::string(position) +
                              "' (expected {\"epoch\": E, \"microbatches\": G}, both >= 0)");
    return json[key].get<int64_t>();
  };
  const int64_t epoch = field("epoch");
  const int64_t global = field("microbatches");
  if (global % world_ != 0)
    throw Error(where_, "position '" + std::string(position) + "': " + std::to_string(global) +
                            " micro-batches taken cannot be split evenly over " + std::to_string(world_) +
                            " ranks (resume on a number of ranks that divides it)");
  start(epoch, global / world_);
}

}  // namespace vlforge
