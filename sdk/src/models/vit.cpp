#include "vlforge/models/vit.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <limits>
#include <unordered_set>

#include "vlforge/error.hpp"
#include "vlforge/torch_compat.hpp"

namespace vlforge::models {

VitActivation vit_activation(std::string_view hidden_act, const std::string& where) {
  if (hidden_act == "gelu_pytorch_tanh") return VitActivation::gelu_tanh;
  if (hidden_act == "quick_gelu") return VitActivation::quick_gelu;
  if (hidden_act == "gelu") return VitActivation::gelu;
  throw Error(where, "hidden_act '" + std::string(hidden_act) +
                         "' is not implemented (supported: gelu_pytorch_tanh, quick_gelu, gelu)");
}

at::Tensor activate(VitActivation activation, const at::Tensor& x) {
  switch (activation) {
    case VitActivation::gelu_tanh:
      return at::gelu(x, "tanh");
    case VitActivation::quick_gelu:
      return x * at::sigmoid(1.702 * x);
    case VitActivation::gelu:
      return at::gelu(x);
  }
  return x;  // unreachable: every enumerator is handled above
}

VitLinear::VitLinear(int64_t in_features, int64_t out_features, bool with_bias, const at::TensorOptions& options) {
  weight = register_parameter("weight", at::empty({out_features, in_features}, options));
  if (with_bias) bias = register_parameter("bias", at::empty({out_features}, options));
}

at::Tensor VitLinear::forward(const at::Tensor& x) const { return at::linear(x, weight, bias); }

VitLayerNorm::VitLayerNorm(int64_t dim, double eps_, const at::TensorOptions& options) : eps(eps_) {
  weight = register_parameter("weight", at::empty({dim}, options));
  bias = register_parameter("bias", at::empty({dim}, options));
}

at::Tensor VitLayerNorm::forward(const at::Tensor& x) const {
  return at::layer_norm(x, {weight.size(0)}, weight, bias, eps);
}

VitEmbedding::VitEmbedding(int64_t count, int64_t dim, const at::TensorOptions& options) {
  weight = register_parameter("weight", at::empty({count, dim}, options));
}

at::Tensor VitEmbedding::forward(const at::Tensor& ids) const { return at::embedding(weight, ids); }

int64_t patch_grid(int64_t image_size, int64_t patch_size, const std::string& origin) {
  if (patch_size <= 0 || image_size < patch_size)
    throw Error(origin, "image_size " + std::to_string(image_size) + " holds no patch of patch_size " +
                            std::to_string(patch_size));
  return image_size / patch_size;
}

VitTextEmbeddings::VitTextEmbeddings(int64_t vocab, int64_t positions, int64_t hidden, const at::TensorOptions& options) {
  token_embedding = register_module("token_embedding", std::make_shared<VitEmbedding>(vocab, hidden, options));
  position_embedding = register_module("position_embedding", std::make_shared<VitEmbedding>(positions, hidden, options));
}

at::Tensor VitTextEmbeddings::forward(const at::Tensor& ids) const {
  return token_embedding->forward(ids) + position_embedding->weight.slice(0, 0, ids.size(1));
}

VitPatchEmbedding::VitPatchEmbedding(int64_t channels, int64_t hidden_size, int64_t patch, bool with_bias,
                                     const at::TensorOptions& options)
    : patch_size(patch) {
  weight = register_parameter("weight", at::empty({hidden_size, channels, patch, patch}, options));
  if (with_bias) bias = register_parameter("bias", at::empty({hidden_size}, options));
}

at::Tensor VitPatchEmbedding::forward(const at::Tensor& pixels) const {
  const at::Tensor grid = at::conv2d(pixels, weight, bias, {patch_size, patch_size});  // [B, C, g, g]
  return grid.flatten(2).transpose(1, 2);                                              // [B, g*g, C]
}

at::Tensor multi_head_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t num_heads,
                                const at::Tensor& mask) {
  const int64_t batch = q.size(0), q_len = q.size(1), k_len = k.size(1), width = q.size(2);
  const int64_t head_dim = width / num_heads;
  auto heads = [&](const at::Tensor& x, int64_t len) {
    return x.reshape({batch, len, num_heads, head_dim}).transpose(1, 2);  // [B, H, T, D]
  };
  const at::Tensor out = compat::scaled_dot_product_attention(heads(q, q_len), heads(k, k_len), heads(v, k_len), mask,
                                                              1.0 / std::sqrt(static_cast<double>(head_dim)));
  return out.transpose(1, 2).reshape({batch, q_len, width});
}

namespace {

double lowest_value(at::ScalarType dtype) {
  switch (dtype) {
    case at::kHalf:
      return static_cast<double>(std::numeric_limits<c10::Half>::lowest());
    case at::kBFloat16:
      return static_cast<double>(std::numeric_limits<c10::BFloat16>::lowest());
    case at::kDouble:
      return std::numeric_limits<double>::lowest();
    default:
      return static_cast<double>(std::numeric_limits<float>::lowest());
  }
}

}  // namespace

at::Tensor self_attention_mask(const at::Tensor& padding_mask, bool causal, int64_t length, at::ScalarType dtype,
                               const at::Device& device) {
  at::Tensor allowed;  // [B or 1, T, T] bool: query t may attend to key s
  if (causal)
    allowed = at::ones({length, length}, at::TensorOptions().dtype(at::kBool).device(device)).tril().unsqueeze(0);
  if (padding_mask.defined()) {
    const at::Tensor keys = padding_mask.to(device).ne(0).unsqueeze(1);  // [B, 1, T]
    allowed = allowed.defined() ? allowed.logical_and(keys) : keys.expand({-1, length, -1});
  }
  if (!allowed.defined()) return {};
  const at::Tensor zero = at::zeros({}, at::TensorOptions().dtype(dtype).device(device));
  return at::where(allowed, zero, at::full({}, lowest_value(dtype), zero.options())).unsqueeze(1);
}

VitAttention::VitAttention(int64_t hidden_size, int64_t heads, const at::TensorOptions& options) : num_heads(heads) {
  q_proj = register_module("q_proj", std::make_shared<VitLinear>(hidden_size, hidden_size, true, options));
  k_proj = register_module("k_proj", std::make_shared<VitLinear>(hidden_size, hidden_size, true, options));
  v_proj = register_module("v_proj", std::make_shared<VitLinear>(hidden_size, hidden_size, true, options));
  out_proj = register_module("out_proj", std::make_shared<VitLinear>(hidden_size, hidden_size, true, options));
}

at::Tensor VitAttention::forward(const at::Tensor& x, const at::Tensor& mask) const {
  return out_proj->forward(
      multi_head_attention(q_proj->forward(x), k_proj->forward(x), v_proj->forward(x), num_heads, mask));
}

VitMlp::VitMlp(int64_t hidden_size, int64_t intermediate_size, VitActivation act, const at::TensorOptions& options)
    : activation(act) {
  fc1 = register_module("fc1", std::make_shared<VitLinear>(hidden_size, intermediate_size, true, options));
  fc2 = register_module("fc2", std::make_shared<VitLinear>(intermediate_size, hidden_size, true, options));
}

at::Tensor VitMlp::forward(const at::Tensor& x) const { return fc2->forward(activate(activation, fc1->forward(x))); }

VitEncoderLayer::VitEncoderLayer(const VitLayerShape& shape, const at::TensorOptions& options) {
  layer_norm1 =
      register_module("layer_norm1", std::make_shared<VitLayerNorm>(shape.hidden_size, shape.layer_norm_eps, options));
  self_attn = register_module("self_attn", std::make_shared<VitAttention>(shape.hidden_size, shape.num_heads, options));
  layer_norm2 =
      register_module("layer_norm2", std::make_shared<VitLayerNorm>(shape.hidden_size, shape.layer_norm_eps, options));
  mlp = register_module(
      "mlp", std::make_shared<VitMlp>(shape.hidden_size, shape.intermediate_size, shape.activation, options));
}

at::Tensor VitEncoderLayer::forward(const at::Tensor& x, const at::Tensor& mask) const {
  const at::Tensor h = x + self_attn->forward(layer_norm1->forward(x), mask);
  return h + mlp->forward(layer_norm2->forward(h));
}

VitEncoder::VitEncoder(const VitLayerShape& shape, int64_t num_layers, const at::TensorOptions& options) {
  if (shape.num_heads <= 0 || shape.hidden_size % shape.num_heads != 0)
    throw Error("vit encoder", "hidden_size " + std::to_string(shape.hidden_size) + " is not divisible by " +
                                   std::to_string(shape.num_heads) + " attention heads");
  auto list = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < num_layers; ++i) {
    layers.push_back(std::make_shared<VitEncoderLayer>(shape, options));
    list->push_back(layers.back());
  }
}

at::Tensor VitEncoder::forward(at::Tensor x, const at::Tensor& mask, int64_t run_layers,
                               std::vector<at::Tensor>* hidden_states) const {
  if (hidden_states != nullptr) hidden_states->push_back(x);
  for (int64_t i = 0; i < run_layers && i < num_layers(); ++i) {
    x = layers[static_cast<size_t>(i)]->forward(x, mask);
    if (hidden_states != nullptr) hidden_states->push_back(x);
  }
  return x;
}

namespace {

// Draws every tensor in float32 on the CPU and copies it in: the same numbers for every dtype, and
// no random kernels needed for bfloat16 / float16. Each parameter is filled once, by the rule of
// the outermost module that claims it (VitAttention before the VitLinear it holds).
class VitInitialiser {
 public:
  explicit VitInitialiser(uint64_t seed) : gen_(at::make_generator<at::CPUGeneratorImpl>(seed)) {}

  void initialise(torch::nn::Module& m) {
    if (const auto* a = dynamic_cast<const VitAttention*>(&m)) {
      for (const auto& proj : {a->q_proj, a->k_proj, a->v_proj, a->out_proj}) {
        xavier_uniform(proj->weight);
        fill(proj->bias, 0.0);
      }
    } else if (const auto* mlp = dynamic_cast<const VitMlp*>(&m)) {
      for (const auto& fc : {mlp->fc1, mlp->fc2}) {
        xavier_uniform(fc->weight);
        normal(fc->bias, 1e-6);
      }
    } else if (const auto* linear = dynamic_cast<const VitLinear*>(&m)) {
      lecun_normal(linear->weight);
      fill(linear->bias, 0.0);
    } else if (const auto* patch = dynamic_cast<const VitPatchEmbedding*>(&m)) {
      lecun_normal(patch->weight);
      fill(patch->bias, 0.0);
    } else if (const auto* table = dynamic_cast<const VitEmbedding*>(&m)) {
      normal(table->weight, 1.0 / std::sqrt(static_cast<double>(table->weight.size(1))));
    } else if (const auto* norm = dynamic_cast<const VitLayerNorm*>(&m)) {
      fill(norm->weight, 1.0);
      fill(norm->bias, 0.0);
    }
    // Parameters an architecture registers itself (a pooling probe, a class embedding).
    for (const auto& item : m.named_parameters(/*recurse=*/false)) {
      const std::string& name = item.key();
      const at::Tensor& p = item.value();
      if (name == "bias" || name.ends_with("_bias")) {
        fill(p, 0.0);
      } else if (p.dim() >= 2) {
        xavier_uniform(p);
      } else {
        normal(p, 1.0 / std::sqrt(static_cast<double>(std::max<int64_t>(p.numel(), 1))));
      }
    }
  }

 private:
  // False for an undefined tensor (a layer without bias) and for one already filled.
  bool claim(const at::Tensor& p) { return p.defined() && filled_.insert(p.unsafeGetTensorImpl()).second; }
  at::Tensor draw(const at::Tensor& p) const { return at::empty(p.sizes(), at::TensorOptions().dtype(at::kFloat)); }

  void fill(const at::Tensor& p, double value) {
    if (claim(p)) p.fill_(value);
  }
  void normal(const at::Tensor& p, double std) {
    if (claim(p)) p.copy_(draw(p).normal_(0.0, std, gen_));
  }
  // torch.nn.init.xavier_uniform_: U(-a, a), a = sqrt(6 / (fan_in + fan_out)).
  void xavier_uniform(const at::Tensor& p) {
    if (!claim(p)) return;
    const double receptive = p.dim() > 2 ? static_cast<double>(p[0][0].numel()) : 1.0;
    const double fan_in = static_cast<double>(p.size(1)) * receptive, fan_out = static_cast<double>(p.size(0)) * receptive;
    const double a = std::sqrt(6.0 / (fan_in + fan_out));
    p.copy_(draw(p).uniform_(-a, a, gen_));
  }
  // transformers' lecun_normal_ (trunc_normal_tf_): a unit normal truncated at +-2 by inverse CDF,
  // scaled so that the truncated values have std sqrt(1 / fan_in).
  void lecun_normal(const at::Tensor& p) {
    if (!claim(p)) return;
    const double fan_in = static_cast<double>(p[0].numel());
    const double std = std::sqrt(1.0 / fan_in) / 0.87962566103423978;  // std of a unit normal cut at +-2
    const double lo = std::erf(-2.0 / std::sqrt(2.0)), hi = -lo;     // 2 * cdf(+-2) - 1
    at::Tensor t = draw(p).uniform_(lo, hi, gen_);
    t.erfinv_().mul_(std::sqrt(2.0)).clamp_(-2.0, 2.0).mul_(std);
    p.copy_(t);
  }

  at::Generator gen_;
  std::unordered_set<const c10::TensorImpl*> filled_;
};

}  // namespace

void initialise_vit_parameters(torch::nn::Module& module, uint64_t seed) {
  torch::NoGradGuard no_grad;
  VitInitialiser init(seed);
  // apply() visits a module before its children, so the outermost rule wins.
  module.apply([&init](torch::nn::Module& m) { init.initialise(m); });
}

int64_t patch_grid_side(const at::Tensor& features, const std::string& where) {
  if (!features.defined() || features.dim() != 3)
    throw Error(where,
                "expected patch features [B, N, C]" +
                    (features.defined() ? ", got " + std::to_string(features.dim()) + " dimensions" : std::string()));
  const int64_t n = features.size(1);
  const auto side = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(n))));
  if (side * side != n) throw Error(where, std::to_string(n) + " patches do not form a square grid");
  return side;
}

at::Tensor pool_patch_grid(const at::Tensor& features, int64_t tokens, const std::string& where) {
  const int64_t side = patch_grid_side(features, where);
  const auto out_side =
      static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(std::max<int64_t>(tokens, 0)))));
  if (tokens <= 0 || out_side * out_side != tokens)
    throw Error(where,
                "tokens = " + std::to_string(tokens) + " is not a square number (e.g. 144 = 12x12, 729 = 27x27)");
  if (out_side > side)
    throw Error(where, "cannot pool a " + std::to_string(side) + "x" + std::to_string(side) + " patch grid up to " +
                           std::to_string(out_side) + "x" + std::to_string(out_side) + " tokens");
  if (out_side == side) return features;
  const int64_t batch = features.size(0), width = features.size(2);
  const at::Tensor grid = features.transpose(1, 2).reshape({batch, width, side, side});
  return at::adaptive_avg_pool2d(grid, {out_side, out_side}).flatten(2).transpose(1, 2);
}

}  // namespace vlforge::models
