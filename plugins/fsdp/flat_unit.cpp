#include "flat_unit.hpp"

#include <ATen/ATen.h>
#include <c10/core/StorageImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cctype>
#include <map>

#include "vlforge/error.hpp"

namespace vlforge::fsdp {

Strategy parse_strategy(const std::string& name) {
  if (name == "no_shard") return Strategy::no_shard;
  if (name == "shard_grad_op") return Strategy::shard_grad_op;
  if (name == "full_shard") return Strategy::full_shard;
  throw Error("trainer/fsdp", "strategy '" + name + "' (expected no_shard, shard_grad_op or full_shard)");
}

namespace {

// What PyTorch's FSDP does with storage().resize_(0): the parameters' views, and the tensors
// autograd saved for backward, keep pointing at this storage, so it is emptied and refilled in
// place rather than replaced.
void free_storage(const at::Tensor& t) {
  c10::StorageImpl* storage = t.storage().unsafeGetStorageImpl();
  storage->set_data_ptr_noswap(at::DataPtr(nullptr, t.device()));
  storage->set_nbytes(0);
}

void allocate_storage(const at::Tensor& t, size_t nbytes) {
  c10::StorageImpl* storage = t.storage().unsafeGetStorageImpl();
  storage->set_data_ptr_noswap(storage->allocator()->allocate(nbytes));
  storage->set_nbytes(nbytes);
}

bool aliases(const at::Tensor& a, const at::Tensor& b) {
  return a.defined() && b.defined() && a.storage().is_alias_of(b.storage());
}

// "language_model.model.layers.3.mlp.up_proj.weight" -> "language_model.model.layers.3";
// "multi_modal_projector.projector.fc1.weight" -> "multi_modal_projector".
std::string unit_of(const std::string& name) {
  size_t start = 0;
  while (start < name.size()) {
    size_t end = name.find('.', start);
    if (end == std::string::npos) break;
    bool digits = end > start;
    for (size_t i = start; i < end; ++i) digits = digits && std::isdigit(static_cast<unsigned char>(name[i])) != 0;
    if (digits) return name.substr(0, end);
    start = end + 1;
  }
  return name.substr(0, name.find('.'));
}

}  // namespace

std::vector<std::pair<std::string, std::vector<NamedTensor>>> partition_units(const std::vector<NamedTensor>& params) {
  std::vector<std::pair<std::string, std::vector<NamedTensor>>> units;
  std::map<std::string, size_t> index;
  for (const NamedTensor& p : params) {
    const std::string unit = unit_of(p.first);
    auto [it, added] = index.emplace(unit, units.size());
    if (added) units.emplace_back(unit, std::vector<NamedTensor>{});
    units[it->second].second.push_back(p);
  }
  return units;
}

FlatUnit::FlatUnit(std::string name, std::vector<NamedTensor> params, Strategy strategy, at::ScalarType compute_dtype,
                   int rank, int world)
    : name_(std::move(name)), strategy_(strategy), rank_(rank), world_(world) {
  if (params.empty()) throw Error("trainer/fsdp", "unit '" + name_ + "' has no parameters");
  const at::Device device = params.front().second.device();
  for (auto& [pname, tensor] : params) {
    if (tensor.device() != device)
      throw Error("trainer/fsdp", "parameter '" + pname + "' is on " + tensor.device().str() + ", the rest of unit '" +
                                      name_ + "' on " + device.str() + " (move the model to one device first)");
    params_.push_back({pname, tensor, numel_, tensor.numel(), tensor.dim() >= 2});
    numel_ += tensor.numel();
  }
  padded_ = (numel_ + world - 1) / world * world;
  const int64_t shard = padded_ / world;
  const int64_t owned = strategy == Strategy::no_shard ? padded_ : shard;
  owned_offset_ = strategy == Strategy::no_shard ? 0 : rank * shard;

  at::NoGradGuard no_grad;
  full_ = at::zeros({padded_}, at::TensorOptions().dtype(compute_dtype).device(device));
  for (FlatParameter& p : params_) {
    at::Tensor view = full_.narrow(0, p.offset, p.numel).view(p.tensor.sizes());
    view.copy_(p.tensor.detach());
    p.tensor.set_data(view);
  }
  // In float32 the master weights are the parameters themselves where those are kept whole.
  const bool alias_master = compute_dtype == at::kFloat && strategy != Strategy::full_shard;
  master_ = alias_master ? full_.narrow(0, owned_offset_, owned)
                         : full_.narrow(0, owned_offset_, owned).to(at::kFloat).clone();
  if (strategy == Strategy::no_shard) {
    grad_full_ = at::zeros({padded_}, full_.options());
    grad_ = compute_dtype == at::kFloat ? grad_full_ : at::zeros({padded_}, master_.options());
  } else {
    grad_ = at::zeros({owned}, master_.options());
  }
  if (strategy == Strategy::full_shard) release();
}

void FlatUnit::gather(Collectives& comm) {
  if (strategy_ != Strategy::full_shard || materialised_) return;
  allocate_storage(full_, static_cast<size_t>(padded_) * full_.element_size());
  materialised_ = true;
  at::NoGradGuard no_grad;
  comm.all_gather(master_.to(full_.scalar_type()), full_, "all-gather parameters of " + name_);
}

void FlatUnit::release() {
  if (strategy_ != Strategy::full_shard || !materialised_) return;
  free_storage(full_);
  materialised_ = false;
}

void FlatUnit::start_step() {
  grad_.zero_();
  if (strategy_ == Strategy::no_shard && !aliases(grad_full_, grad_)) grad_full_.zero_();
}

void FlatUnit::bind_gradients(const at::Tensor& flat) {
  for (FlatParameter& p : params_)
    p.tensor.mutable_grad() = flat.narrow(0, p.offset, p.numel).view(p.tensor.sizes());
}

void FlatUnit::prepare_backward() {
  if (strategy_ != Strategy::no_shard) grad_full_ = at::zeros({padded_}, full_.options());
  bind_gradients(grad_full_);
}

void FlatUnit::finish_backward(Collectives& comm, bool last_micro_batch) {
  at::NoGradGuard no_grad;
  if (strategy_ == Strategy::no_shard) {
    if (!last_micro_batch) return;
    if (!aliases(grad_full_, grad_)) grad_.copy_(grad_full_);
    comm.all_reduce_sum(grad_, "all-reduce gradients of " + name_);
    return;
  }
  const at::Tensor full = grad_full_.to(at::kFloat);
  at::Tensor mine = at::empty_like(grad_);
  comm.reduce_scatter_sum(full, mine, "reduce-scatter gradients of " + name_);
  grad_.add_(mine);
  for (FlatParameter& p : params_) p.tensor.mutable_grad().reset();
  grad_full_.reset();
}

void FlatUnit::publish(Collectives& comm) {
  at::NoGradGuard no_grad;
  switch (strategy_) {
    case Strategy::no_shard:
      if (!aliases(master_, full_)) full_.copy_(master_);
      break;
    case Strategy::shard_grad_op:
      comm.all_gather(master_.to(full_.scalar_type()), full_, "all-gather parameters of " + name_);
      break;
    case Strategy::full_shard:
      break;  // gathered before the next use
  }
}

int64_t FlatUnit::parameter_bytes() const {
  int64_t bytes = materialised_ ? full_.numel() * full_.element_size() : 0;
  if (!aliases(master_, full_)) bytes += master_.numel() * master_.element_size();
  return bytes;
}

int64_t FlatUnit::gradient_bytes() const {
  int64_t bytes = grad_.numel() * grad_.element_size();
  if (grad_full_.defined() && !aliases(grad_full_, grad_)) bytes += grad_full_.numel() * grad_full_.element_size();
  return bytes;
}

}  // namespace vlforge::fsdp
