// Interface of kind `trainer`: runs optimisation of a model on a stream of batches (the
// sharded data-parallel trainer: no_shard / shard_grad_op / full_shard).
//
// The stage that owns the model and data gives the trainer two narrow views: a LossModel (the
// trainable parameters and a loss for one micro-batch) and a BatchStream (the data, with a
// position that checkpoints save and restore).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/context.hpp"
#include "vlforge/export.hpp"
#include "vlforge/trainable.hpp"

namespace vlforge {

struct TrainBatch {
  std::unordered_map<std::string, at::Tensor> tensors;  // input_ids, labels, pixel_values, ...
  int64_t loss_tokens = 0;   // tokens that carry loss (for averaging over micro-batches)
  int64_t tokens = 0;        // all tokens, padding excluded (throughput)
  int64_t image_tokens = 0;  // of `tokens`, those an image fills
};

class VLFORGE_API LossModel {
 public:
  virtual ~LossModel();
  // Trainable parameters only (frozen components are not listed).
  virtual std::vector<NamedTensor> named_parameters() = 0;
  // Sum of the per-token losses of the batch (the trainer divides by the global token count).
  virtual at::Tensor loss_sum(const TrainBatch& batch) = 0;
  // Model FLOPs of one forward+backward over the batch, for MFU.
  virtual double flops(const TrainBatch& batch) const = 0;
  // Activation recomputation in the trained block stacks (Trainable::set_recompute); false when
  // one of them cannot.
  virtual bool set_recompute(bool recompute) { return !recompute; }
};

class VLFORGE_API BatchStream {
 public:
  virtual ~BatchStream();
  // The next micro-batch for this rank; false when the epoch is done.
  virtual bool next(TrainBatch& out) = 0;
  // Micro-batches per rank in one epoch, or -1 if unknown.
  virtual int64_t size_hint() const { return -1; }
  // Starts epoch `epoch` (a new order) from its first micro-batch.
  virtual void set_epoch(int64_t epoch) = 0;
  // Opaque position (JSON text) that restore() takes back.
  virtual std::string position() const = 0;
  virtual void restore(std::string_view position) = 0;
};

// How the stage asks the trainer to consume the stream.
struct TrainPlan {
  std::string name;              // what is trained, for logs and metrics ("pretrain")
  int64_t accumulation = 1;      // micro-batches per rank per optimizer step
  int64_t samples_per_step = 0;  // rows of a global batch, for logs
};

struct TrainSummary {
  int64_t steps = 0;
  int64_t tokens = 0;
  double final_loss = 0.0;
};

class VLFORGE_API Trainer : public Component {
 public:
  static constexpr std::string_view kind = "trainer";
  ~Trainer() override;

  // Trains `model` on `data`: resumes from the last checkpoint in ctx.work_dir() when there is
  // one, and leaves the model's parameters holding the trained values.
  virtual TrainSummary fit(LossModel& model, BatchStream& data, const TrainPlan& plan, Context& ctx) = 0;
};

}  // namespace vlforge
