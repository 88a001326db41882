// The collectives the sharded trainer needs, over a c10d process group of its own (Gloo on CPU)
// that rendezvous through the run's TCPStore. In a single process every call is the identity.
//
// Every failure (a rank died, a timeout) becomes a vlforge::Error naming this rank and what was
// being exchanged, so the surviving ranks stop with one clear line instead of hanging.
#pragma once

#include <ATen/core/Tensor.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "vlforge/context.hpp"

namespace vlforge::fsdp {

class Collectives {
 public:
  // `name` keeps this group's keys apart from other groups on the same store (one per stage).
  Collectives(Context& ctx, const std::string& name, std::chrono::milliseconds timeout);
  ~Collectives();
  Collectives(const Collectives&) = delete;
  Collectives& operator=(const Collectives&) = delete;

  int rank() const noexcept { return rank_; }
  int world_size() const noexcept { return world_; }

  // In place: every rank gets the elementwise sum.
  void all_reduce_sum(at::Tensor& tensor, std::string_view what);
  // full [world * n] <- every rank's shard [n], in rank order.
  void all_gather(const at::Tensor& shard, at::Tensor& full, std::string_view what);
  // shard [n] <- the sum over ranks of their full [world * n]'s slice for this rank.
  void reduce_scatter_sum(const at::Tensor& full, at::Tensor& shard, std::string_view what);

 private:
  struct Group;
  int rank_ = 0;
  int world_ = 1;
  std::unique_ptr<Group> group_;
};

}  // namespace vlforge::fsdp
