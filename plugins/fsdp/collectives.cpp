#include "collectives.hpp"

// Debian's TorchConfig.cmake leaves the c10d switches off; the Gloo process group needs them.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif

#include <ATen/ATen.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <cstdlib>
#include <vector>

#include "vlforge/error.hpp"

namespace vlforge::fsdp {

struct Collectives::Group {
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
  std::chrono::milliseconds timeout{};
};

namespace {

std::pair<std::string, uint16_t> split_address(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw Error("trainer/fsdp", "rendezvous address '" + address + "' (expected host:port)");
  return {address.substr(0, colon), static_cast<uint16_t>(std::stoi(address.substr(colon + 1)))};
}

// Gloo binds to the interface GLOO_SOCKET_IFNAME names, as PyTorch does, else to the host's address.
std::shared_ptr<::gloo::transport::Device> gloo_device() {
  const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
  if (ifname != nullptr && *ifname != '\0') return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

Collectives::Collectives(Context& ctx, const std::string& name, std::chrono::milliseconds timeout)
    : rank_(ctx.rank()), world_(ctx.world_size()) {
  if (world_ == 1) return;
  if (ctx.device() != "cpu")
    throw Error("trainer/fsdp", "device '" + ctx.device() +
                                    "': this build has the Gloo backend only (CPU); build against a CUDA "
                                    "LibTorch for NCCL");
  const std::string address = ctx.sync().store_address();
  if (address.empty()) throw Error("trainer/fsdp", "a multi-rank run without a rendezvous store");
  const auto [host, port] = split_address(address);
  c10d::TCPStoreOptions opts;
  opts.port = port;
  opts.isServer = false;
  opts.waitWorkers = false;
  opts.timeout = timeout;
  try {
    auto store = c10::make_intrusive<c10d::TCPStore>(host, opts);
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>("vlforge/fsdp/" + name, store);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices.push_back(gloo_device());
    group_ = std::make_unique<Group>();
    group_->timeout = timeout;
    group_->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, rank_, world_, options);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error("rank " + std::to_string(rank_), "could not form the trainer's process group at " + address +
                                                     " within " + std::to_string(timeout.count() / 1000) +
                                                     " s: " + std::string(e.what()).substr(0, 300));
  }
}

Collectives::~Collectives() = default;

namespace {

// c10d's messages are multi-line traces; the first line says what happened.
std::string first_line(const char* what) {
  std::string text(what);
  return text.substr(0, text.find('\n'));
}

template <class Launch>
void run(int rank, std::string_view what, std::chrono::milliseconds timeout, Launch&& launch) {
  try {
    auto work = launch();
    work->wait(timeout);
  } catch (const std::exception& e) {
    throw Error("rank " + std::to_string(rank),
                "collective '" + std::string(what) + "' failed: another rank died or waited over " +
                    std::to_string(timeout.count() / 1000) + " s (see its log): " + first_line(e.what()));
  }
}

}  // namespace

void Collectives::all_reduce_sum(at::Tensor& tensor, std::string_view what) {
  if (!group_) return;
  std::vector<at::Tensor> tensors{tensor};
  run(rank_, what, group_->timeout, [&] { return group_->gloo->allreduce(tensors); });
}

void Collectives::all_gather(const at::Tensor& shard, at::Tensor& full, std::string_view what) {
  if (!group_) {
    full.copy_(shard);
    return;
  }
  const int64_t n = shard.numel();
  // The input is copied first: it may be a view of the output (a rank's own slice).
  std::vector<at::Tensor> inputs{shard.clone()};
  std::vector<std::vector<at::Tensor>> outputs(1);
  for (int r = 0; r < world_; ++r) outputs[0].push_back(full.narrow(0, r * n, n));
  run(rank_, what, group_->timeout, [&] { return group_->gloo->allgather(outputs, inputs); });
}

void Collectives::reduce_scatter_sum(const at::Tensor& full, at::Tensor& shard, std::string_view what) {
  const int64_t n = shard.numel();
  if (!group_) {
    shard.copy_(full);
    return;
  }
  // Gloo has no reduce-scatter in LibTorch 1.13: an all-reduce, of which each rank keeps its slice.
  std::vector<at::Tensor> tensors{full.clone()};
  run(rank_, what, group_->timeout, [&] { return group_->gloo->allreduce(tensors); });
  shard.copy_(tensors[0].narrow(0, rank_ * n, n));
}

}  // namespace vlforge::fsdp
