// The one place where vlforge's tensor code differs between LibTorch 1.13 (Debian, CPU) and
// LibTorch 2.x (CUDA builds). Include it instead of testing TORCH_VERSION anywhere else.
#pragma once

#include <torch/torch.h>
#include <torch/version.h>

#include <optional>

#define VLFORGE_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace vlforge::compat {

// softmax(q k^T * scale + mask) v over [B, H, Tq, D] x [B, H, Tk, D]; `mask` is additive
// (0 or a large negative number, broadcastable to [B, H, Tq, Tk]) or undefined for none.
// LibTorch 2.x uses the fused kernel (flash or memory-efficient attention on GPU); 1.13 has
// none, so the plain form computes softmax in float32 as transformers' eager attention does.
inline at::Tensor scaled_dot_product_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                               const at::Tensor& mask, double scale) {
#if VLFORGE_TORCH_AT_LEAST(2, 1)
  return at::scaled_dot_product_attention(q, k, v, mask.defined() ? c10::optional<at::Tensor>(mask) : c10::nullopt,
                                          0.0, false, scale);
#else
  at::Tensor scores = at::matmul(q, k.transpose(-2, -1)) * scale;
  if (mask.defined()) scores = scores + mask;
  at::Tensor probs = at::softmax(scores, -1, at::kFloat).to(q.scalar_type());
  return at::matmul(probs, v);
#endif
}

}  // namespace vlforge::compat
