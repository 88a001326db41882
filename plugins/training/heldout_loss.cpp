#include "heldout_loss.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

namespace vlforge::training {

HeldoutLoss heldout_loss(LossModel& model, BatchStream& data, int64_t max_batches) {
  at::NoGradGuard no_grad;
  data.set_epoch(0);
  HeldoutLoss out;
  double sum = 0.0;
  TrainBatch batch;
  while (out.batches < max_batches && data.next(batch)) {
    sum += model.loss_sum(batch).item<double>();
    out.tokens += batch.loss_tokens;
    ++out.batches;
  }
  out.mean = out.tokens > 0 ? sum / static_cast<double>(out.tokens) : 0.0;
  return out;
}

}  // namespace vlforge::training
