// PrefetchedEpochs: what the data loaders share. An epoch is a global list of micro-batches, a
// function of (seed, epoch) alone that the loader computes (plan); global micro-batch g belongs to
// rank g % world_size, and every rank takes the same number. Worker threads build this rank's
// micro-batches (build) at most `prefetch` ahead of next(), which hands them out in order; a
// worker's error reaches next() at its micro-batch. position() is the epoch and the global
// micro-batches taken, so a run resumes where it was, also on another number of ranks.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "vlforge/interfaces/trainer.hpp"

namespace vlforge {

class PrefetchedEpochs {
 public:
  // plan(epoch) -> global micro-batches of that epoch; build(g) -> global micro-batch g of the
  // epoch planned last, called from the worker threads.
  using Plan = std::function<int64_t(int64_t epoch)>;
  using Build = std::function<TrainBatch(int64_t global)>;

  PrefetchedEpochs(std::string where, int rank, int world_size, int workers, int64_t prefetch, Plan plan, Build build);
  ~PrefetchedEpochs();
  PrefetchedEpochs(const PrefetchedEpochs&) = delete;
  PrefetchedEpochs& operator=(const PrefetchedEpochs&) = delete;

  void set_epoch(int64_t epoch);
  bool next(TrainBatch& out);
  int64_t size_hint() const { return batches_; }  // micro-batches per rank
  std::string position() const;                  // {"epoch": E, "microbatches": G}
  void restore(std::string_view position);

 private:
  struct Slot {
    TrainBatch batch;
    std::exception_ptr error;
  };

  void start(int64_t epoch, int64_t first);
  void start_workers();
  void stop_workers();
  void work();

  std::string where_;
  int rank_, world_, workers_count_;
  int64_t prefetch_;
  Plan plan_;
  Build build_;

  int64_t epoch_ = 0;
  int64_t batches_ = 0;  // this rank's micro-batches of the epoch

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;   // workers wait for room ahead of the consumer
  std::condition_variable ready_cv_;  // the consumer waits for its batch
  int64_t taken_ = 0;                 // micro-batches next() has returned this epoch
  int64_t claimed_ = 0;               // next micro-batch a worker starts on
  std::map<int64_t, Slot> ready_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::exception_ptr failed_;  // a worker's error, rethrown by every next() until the epoch restarts
};

}  // namespace vlforge
