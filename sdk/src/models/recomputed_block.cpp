#include "recomputed_block.hpp"

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/custom_class.h>

namespace vlforge::models {

namespace {

struct BlockHolder : torch::CustomClassHolder {
  std::function<at::Tensor(const at::Tensor&)> block;
};

struct Recompute : public torch::autograd::Function<Recompute> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                            const c10::intrusive_ptr<BlockHolder>& holder) {
    ctx->save_for_backward({x});
    ctx->saved_data["block"] = c10::IValue::make_capsule(holder);
    return holder->block(x);  // autograd records nothing inside a custom function's forward
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto holder = c10::static_intrusive_pointer_cast<BlockHolder>(ctx->saved_data["block"].toCapsule());
    const at::Tensor x = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    at::Tensor y;
    {
      at::AutoGradMode enable(true);
      y = holder->block(x);
    }
    torch::autograd::backward({y}, {grads[0]});
    return {x.grad(), at::Tensor()};
  }
};

}  // namespace

at::Tensor recomputed(std::function<at::Tensor(const at::Tensor&)> block, const at::Tensor& x) {
  auto holder = c10::make_intrusive<BlockHolder>();
  holder->block = std::move(block);
  return Recompute::apply(x, holder);
}

}  // namespace vlforge::models
