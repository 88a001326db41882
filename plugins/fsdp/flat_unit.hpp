// FlatUnit: the parameters of one transformer block (or of one component's other parameters) in
// one flat buffer, the unit that is sharded, gathered and reduced.
//
// The model's parameter tensors stay the leaves autograd knows, but their data become views of
// `full` (compute dtype, padded to a multiple of the world size), and their gradients views of a
// flat gradient buffer, so autograd accumulates straight into it. Rank r owns elements
// [r * S, (r + 1) * S) of the padded buffer (S = padded / world): its master weights (float32),
// reduced gradients and optimizer state cover that slice only, except with no_shard, where
// every rank owns all of it.
//
//   no_shard       full kept; gradients all-reduced once per step
//   shard_grad_op  full kept; gradients reduce-scattered per micro-batch, updated shards all-gathered
//   full_shard     full's memory freed between uses, all-gathered before each forward
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "collectives.hpp"
#include "vlforge/trainable.hpp"

namespace vlforge::fsdp {

enum class Strategy { no_shard, shard_grad_op, full_shard };

Strategy parse_strategy(const std::string& name);

struct FlatParameter {
  std::string name;
  at::Tensor tensor;  // the model's parameter
  int64_t offset = 0;  // in the padded flat buffer
  int64_t numel = 0;
  bool decay = false;  // weight matrices decay, biases and norms do not
};

class FlatUnit {
 public:
  FlatUnit(std::string name, std::vector<NamedTensor> params, Strategy strategy, at::ScalarType compute_dtype,
           int rank, int world);

  const std::string& name() const { return name_; }
  const std::vector<FlatParameter>& parameters() const { return params_; }
  int64_t padded_numel() const { return padded_; }
  // First element of the slice this rank owns, and its length.
  int64_t owned_offset() const { return owned_offset_; }
  int64_t owned_numel() const { return master_.numel(); }

  at::Tensor& master() { return master_; }      // float32, the owned slice
  at::Tensor& gradient() { return grad_; }      // float32, reduced, the owned slice

  // full_shard: materialises the parameters from every rank's master slice (others: nothing).
  void gather(Collectives& comm);
  // full_shard: frees the parameters' memory until the next gather (others: nothing).
  void release();
  // Before a step's first micro-batch: zeroes the accumulated gradient.
  void start_step();
  // Before a micro-batch's backward: points the parameters' .grad at a zeroed flat buffer.
  void prepare_backward();
  // After a micro-batch's backward: sharded strategies reduce-scatter into the owned gradient;
  // no_shard all-reduces after the step's last micro-batch only.
  void finish_backward(Collectives& comm, bool last_micro_batch);
  // After the optimizer updated the master slice: the parameters take the new values.
  void publish(Collectives& comm);

  // Bytes held now, by kind (for the memory report).
  int64_t parameter_bytes() const;
  int64_t gradient_bytes() const;

 private:
  void bind_gradients(const at::Tensor& flat);

  std::string name_;
  std::vector<FlatParameter> params_;
  Strategy strategy_;
  int rank_, world_;
  int64_t numel_ = 0, padded_ = 0, owned_offset_ = 0;
  at::Tensor full_;       // compute dtype [padded]
  at::Tensor master_;     // float32 owned slice (may alias full_ in float32)
  at::Tensor grad_full_;  // compute dtype [padded], what autograd writes
  at::Tensor grad_;       // float32 owned slice of the reduced gradient
  bool materialised_ = true;
};

// Groups parameters into units: one per "...layers.N" block, and one per top-level prefix for the
// rest, in the order they come.
std::vector<std::pair<std::string, std::vector<NamedTensor>>> partition_units(const std::vector<NamedTensor>& params);

}  // namespace vlforge::fsdp
