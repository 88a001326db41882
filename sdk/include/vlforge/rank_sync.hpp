// vlforge::RankSync: coordination among the processes (ranks) of one distributed run.
//
// Every rank must make the same calls in the same order: a barrier returns once all ranks have
// reached it; all_gather returns every rank's value, indexed by rank. A rank that fails or hangs
// makes the others fail with vlforge::Error after the run's timeout instead of waiting forever.
// In a single-process run Context uses a trivial implementation, so stages call it freely.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/export.hpp"

namespace vlforge {

class VLFORGE_API RankSync {
 public:
  virtual ~RankSync();
  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  // `name` says what is waited for, in timeout messages.
  virtual void barrier(std::string_view name) = 0;
  virtual std::vector<std::string> all_gather(std::string_view name, const std::string& value) = 0;
  // "host:port" of the run's rendezvous store (a c10d TCPStore), for components that open their
  // own connections to it (the trainer's process group); empty in a single process.
  virtual std::string store_address() const { return {}; }
  // How long a rank waits for the others before it fails.
  virtual std::chrono::milliseconds timeout() const { return std::chrono::minutes(30); }
};

// The trivial RankSync of a single process.
class VLFORGE_API SingleProcessSync final : public RankSync {
 public:
  int rank() const override { return 0; }
  int world_size() const override { return 1; }
  void barrier(std::string_view) override {}
  std::vector<std::string> all_gather(std::string_view, const std::string& value) override { return {value}; }
};

}  // namespace vlforge
