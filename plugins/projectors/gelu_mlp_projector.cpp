#include "gelu_mlp_projector.hpp"

#include <cmath>
#include <optional>
#include <sstream>

#include "vlforge/error.hpp"
#include "vlforge/safetensors.hpp"
#include "vlforge/models/module_parameters.hpp"

namespace vlforge::projectors {
namespace {

struct Dims {
  int64_t input = 0, hidden = 0, output = 0;
};

// A width set in the recipe must agree with the checkpoint; an unset one (0) takes its value.
int64_t agree(const std::string& where, const char* key, int64_t configured, int64_t from_checkpoint) {
  if (configured != 0 && configured != from_checkpoint)
    throw Error(where, std::string(key) + " = " + std::to_string(configured) + " but the checkpoint's is " +
                           std::to_string(from_checkpoint));
  return from_checkpoint;
}

Dims resolve_dims(const GeluMlpLayout& layout, const GeluMlpSettings& s, const Checkpoint* ckpt) {
  const std::string& where = layout.component;
  if (ckpt != nullptr) {
    const std::string prefix = layout.module + ".";
    const at::Tensor w1 = ckpt->get(prefix + layout.first + ".weight");   // [hidden, input]
    const at::Tensor w2 = ckpt->get(prefix + layout.second + ".weight");  // [output, hidden]
    if (w1.dim() != 2 || w2.dim() != 2 || w2.size(1) != w1.size(0))
      throw Error(ckpt->path().string(), "the projector's weights do not chain: " + layout.first + " " +
                                             std::to_string(w1.dim()) + "-d, " + layout.second + " " +
                                             std::to_string(w2.dim()) + "-d");
    return Dims{agree(where, "input_dim", s.input_dim, w1.size(1)),
                agree(where, "hidden_dim", s.hidden_dim, w1.size(0)),
                agree(where, "output_dim", s.output_dim, w2.size(0))};
  }
  if (s.input_dim <= 0 || s.output_dim <= 0)
    throw Error(where, "input_dim and output_dim must be set when there is no checkpoint (e.g. 1152 and 1536)");
  return Dims{s.input_dim, s.hidden_dim > 0 ? s.hidden_dim : s.output_dim, s.output_dim};
}

std::string shape_text(at::IntArrayRef sizes) {
  std::ostringstream out;
  out << sizes;
  return out.str();
}

}  // namespace

GeluMlpProjector::GeluMlpProjector(GeluMlpLayout layout, const GeluMlpSettings& settings)
    : layout_(std::move(layout)),
      default_tokens_(settings.default_tokens),
      root_(std::make_shared<torch::nn::Module>()) {
  std::optional<Checkpoint> ckpt;
  if (!settings.checkpoint.empty()) ckpt = Checkpoint::open(settings.checkpoint);
  const Dims dims = resolve_dims(layout_, settings, ckpt ? &*ckpt : nullptr);

  const at::TensorOptions options = at::TensorOptions().dtype(models::model_dtype(settings.dtype));
  auto mlp = root_->register_module(layout_.module, std::make_shared<torch::nn::Module>());
  first_ =
      mlp->register_module(layout_.first, std::make_shared<models::VitLinear>(dims.input, dims.hidden, true, options));
  second_ = mlp->register_module(layout_.second,
                                 std::make_shared<models::VitLinear>(dims.hidden, dims.output, true, options));

  if (ckpt) {
    // A whole multimodal checkpoint may hold the LLM and the vision tower too; take only ours.
    std::vector<std::string> others;
    for (const std::string& name : ckpt->names())
      if (!name.starts_with(layout_.module + ".")) others.push_back(name);
    ckpt->load_into(named_parameters(), {}, others);
  } else {
    init_random(settings.seed);
  }
}

// torch.nn.Linear's default: weight and bias uniform in +-1/sqrt(fan_in) (kaiming_uniform with
// a = sqrt(5) reduces to this), from a generator of its own so the draw depends on `seed` alone.
void GeluMlpProjector::init_random(uint64_t seed) {
  torch::NoGradGuard no_grad;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (const auto& linear : {first_, second_}) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(linear->weight.size(1)));
    for (at::Tensor* p : {&linear->weight, &linear->bias}) {
      at::Tensor draw = at::empty(p->sizes(), at::kFloat);
      draw.uniform_(-bound, bound, generator);
      p->copy_(draw);
    }
  }
}

at::Tensor GeluMlpProjector::forward(const at::Tensor& features, int64_t tokens) {
  if (!features.defined() || features.dim() != 3 || features.size(2) != input_dim())
    throw Error(layout_.component, "expected features [B, N, " + std::to_string(input_dim()) + "], got " +
                                       (features.defined() ? shape_text(features.sizes()) : std::string("undefined")));
  at::Tensor x = features.to(first_->weight.device(), first_->weight.scalar_type());
  if (layout_.pools) {
    if (tokens != 0) x = models::pool_patch_grid(x, tokens, layout_.component);
  } else if (tokens != 0 && tokens != x.size(1)) {
    throw Error(layout_.component, "does not pool: tokens must be 0 or the number of patches (" +
                                       std::to_string(x.size(1)) + "), got " + std::to_string(tokens));
  }
  return second_->forward(at::gelu(first_->forward(x)));
}

std::vector<NamedTensor> GeluMlpProjector::named_parameters() { return models::named_parameters_of(*root_); }

void GeluMlpProjector::set_requires_grad(bool requires_grad) { models::set_requires_grad_of(*root_, requires_grad); }

void GeluMlpProjector::set_training(bool training) { root_->train(training); }

void GeluMlpProjector::to(const at::Device& device, at::ScalarType dtype) { root_->to(device, dtype); }

std::string GeluMlpProjector::hf_config() const {
  const std::string prefix = layout_.module + ".";
  return "{\n  \"vlforge_component\": \"" + layout_.component + "\",\n  \"input_dim\": " + std::to_string(input_dim()) +
         ",\n  \"hidden_dim\": " + std::to_string(first_->weight.size(0)) + ",\n  \"output_dim\": " +
         std::to_string(output_dim()) + ",\n  \"tokens\": " + std::to_string(default_tokens_) +
         ",\n  \"pooling\": \"" + (layout_.pools ? "adaptive_avg_pool2d" : "none") +
         "\",\n  \"hidden_act\": \"gelu\",\n  \"layers\": [\"" + prefix + layout_.first + "\", \"" + prefix +
         layout_.second + "\"]\n}\n";
}

}  // namespace vlforge::projectors
