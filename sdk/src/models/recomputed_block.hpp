// Activation recomputation for one block: y = block(x) with only x kept for the backward pass,
// which runs the block again with gradients on (PyTorch's reentrant torch.utils.checkpoint).
// The block's parameter gradients accumulate into their .grad as usual. The block must be
// deterministic: no dropout or other randomness.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>

namespace vlforge::models {

at::Tensor recomputed(std::function<at::Tensor(const at::Tensor&)> block, const at::Tensor& x);

}  // namespace vlforge::models
