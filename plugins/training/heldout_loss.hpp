// The mean next-token loss of a model over the first micro-batches of a stream, without gradients:
// how a training stage shows that held-out captions became more likely.
#pragma once

#include <cstdint>

#include "vlforge/interfaces/trainer.hpp"

namespace vlforge::training {

struct HeldoutLoss {
  double mean = 0.0;    // per loss-bearing token
  int64_t tokens = 0;   // loss-bearing tokens seen
  int64_t batches = 0;
};

HeldoutLoss heldout_loss(LossModel& model, BatchStream& data, int64_t max_batches);

}  // namespace vlforge::training
