// RankSync over a c10d TCPStore: the rendezvous torchrun and Slurm jobs use (MASTER_ADDR,
// MASTER_PORT), with rank 0 serving the store. The trainer's process groups can share it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "process_env.hpp"
#include "vlforge/rank_sync.hpp"

namespace c10d {
class Store;
}

namespace vlforge::host {

class StoreRankSync final : public RankSync {
 public:
  // Connects (rank 0: listens) on MASTER_ADDR:MASTER_PORT; waits at most `timeout` for the
  // other ranks here and at every barrier.
  StoreRankSync(const ProcessPlace& place, std::chrono::seconds timeout);
  ~StoreRankSync() override;

  int rank() const override { return place_.rank; }
  int world_size() const override { return place_.world_size; }
  void barrier(std::string_view name) override;
  std::vector<std::string> all_gather(std::string_view name, const std::string& value) override;
  std::string store_address() const override { return address_; }
  std::chrono::milliseconds timeout() const override { return timeout_; }
  // The last step of a run that succeeded on this rank: returns on rank 0 once every rank has
  // reached it, so no rank loses the store rank 0 serves while it still needs it.
  void close();

 private:
  std::string next_key(std::string_view name);
  // Counts this rank in at `key`; the last one in marks it complete.
  void arrive(const std::string& key);
  // Until every rank has arrived at `key`, at most the timeout.
  void wait_for_all(const std::string& key);
  // Runs `step` on the store; its failure becomes an error saying what was waited for (`name`)
  // and whether the store went away or the wait timed out.
  void on_store(std::string_view name, const std::function<void()>& step);

  ProcessPlace place_;
  std::chrono::seconds timeout_;
  std::string address_;
  std::shared_ptr<c10d::Store> store_;
  int64_t generation_ = 0;
};

}  // namespace vlforge::host
