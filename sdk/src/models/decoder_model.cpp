#include "vlforge/models/decoder_model.hpp"

#include <limits>
#include <string>

#include "recomputed_block.hpp"
#include "vlforge/error.hpp"

namespace vlforge::models {

namespace {

constexpr const char* kWhere = "language model forward";

std::string shape_text(at::IntArrayRef shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

void expect_shape(const at::Tensor& t, std::initializer_list<int64_t> shape, const char* name) {
  if (t.sizes() != at::IntArrayRef(shape))
    throw Error(kWhere, std::string(name) + " has shape " + shape_text(t.sizes()) + ", expected " + shape_text(shape));
}

// torch.finfo(dtype).min: the value transformers puts at masked positions.
at::Scalar lowest(at::ScalarType dtype) {
  switch (dtype) {
    case at::kFloat: return std::numeric_limits<float>::lowest();
    case at::kDouble: return std::numeric_limits<double>::lowest();
    case at::kBFloat16: return static_cast<float>(std::numeric_limits<c10::BFloat16>::lowest());
    case at::kHalf: return static_cast<float>(std::numeric_limits<c10::Half>::lowest());
    default: throw Error(kWhere, std::string("no attention mask for dtype ") + c10::toString(dtype));
  }
}

}  // namespace

DecoderCache::DecoderCache(int64_t batch, int64_t capacity, int64_t num_layers)
    : batch_(batch), capacity_(capacity), layers_(static_cast<size_t>(num_layers)) {
  if (batch <= 0 || capacity <= 0)
    throw Error("KV cache", "batch (" + std::to_string(batch) + ") and capacity (" + std::to_string(capacity) +
                                ") must be positive");
}

DecoderCache::~DecoderCache() = default;

at::Tensor attention_mask(int64_t batch, int64_t new_tokens, int64_t past, const at::Tensor& key_padding,
                          const at::Tensor& key_documents, const at::Tensor& query_documents, at::ScalarType dtype,
                          const at::Device& device) {
  // A single new token may attend every earlier key by causality alone.
  if (new_tokens == 1 && !key_padding.defined() && !key_documents.defined()) return {};
  const int64_t total = past + new_tokens;
  const auto longs = at::TensorOptions().dtype(at::kLong).device(device);
  const at::Tensor key_index = at::arange(total, longs);
  const at::Tensor query_index = at::arange(past, total, longs);
  at::Tensor allowed = key_index.unsqueeze(0).le(query_index.unsqueeze(1)).view({1, 1, new_tokens, total});
  if (key_padding.defined()) allowed = allowed.logical_and(key_padding.ne(0).view({batch, 1, 1, total}));
  if (key_documents.defined())
    allowed = allowed.logical_and(key_documents.view({batch, 1, 1, total}).eq(query_documents.view({batch, 1, new_tokens, 1})));
  // Plain causal stays [1, 1, T, past+T]: it broadcasts over the batch without a copy per row.
  return at::zeros(allowed.sizes(), at::TensorOptions().dtype(dtype).device(device))
      .masked_fill(allowed.logical_not(), lowest(dtype));
}

DecoderModelImpl::DecoderModelImpl(const DecoderConfig& cfg, const at::TensorOptions& options) {
  embed_tokens = register_module("embed_tokens", Embedding(cfg.vocab_size, cfg.hidden_size, options));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < cfg.num_layers; ++i) layers->push_back(DecoderLayer(cfg, options));
  norm = register_module("norm", RMSNorm(cfg.hidden_size, cfg.rms_norm_eps, options));
}

DecoderLMImpl::DecoderLMImpl(DecoderConfig cfg, const at::TensorOptions& options) : cfg_(std::move(cfg)) {
  validate(cfg_, "decoder config");
  model = register_module("model", DecoderModel(cfg_, options));
  if (!cfg_.tie_word_embeddings)
    lm_head = register_module("lm_head", Linear(cfg_.hidden_size, cfg_.vocab_size, false, options));
  inv_freq_ = rope_inv_freq(cfg_);
  if (options.device().type() != at::kMeta) inv_freq_ = inv_freq_.to(options.device());
}

const at::Tensor& DecoderLMImpl::output_weight() const {
  return cfg_.tie_word_embeddings ? model->embed_tokens->weight : lm_head->weight;
}

void DecoderLMImpl::move_to(const at::Device& device, at::ScalarType dtype) {
  to(device, dtype);
  inv_freq_ = inv_freq_.to(device);
}

at::Tensor DecoderLMImpl::embed(const at::Tensor& input_ids) {
  if (input_ids.dim() != 2 || input_ids.scalar_type() != at::kLong)
    throw Error(kWhere, "input_ids must be a [B, T] int64 tensor, got " + shape_text(input_ids.sizes()) + " " +
                            c10::toString(input_ids.scalar_type()));
  // A bad id would otherwise surface as torch's "index out of range in self". Checked where it
  // costs no device synchronisation.
  if (input_ids.is_cpu() && input_ids.numel() > 0) {
    const auto [lo, hi] = at::aminmax(input_ids);
    if (lo.item<int64_t>() < 0 || hi.item<int64_t>() >= cfg_.vocab_size)
      throw Error(kWhere, "token ids range over [" + std::to_string(lo.item<int64_t>()) + ", " +
                              std::to_string(hi.item<int64_t>()) + "], the vocabulary is [0, " +
                              std::to_string(cfg_.vocab_size) + ")");
  }
  return model->embed_tokens(input_ids.to(model->embed_tokens->weight.device()));
}

at::Tensor DecoderLMImpl::input_embeddings(const LanguageModelInput& in) {
  if (in.input_ids.defined() == in.inputs_embeds.defined())
    throw Error(kWhere, "give exactly one of input_ids and inputs_embeds");
  if (in.input_ids.defined()) return embed(in.input_ids);
  if (in.inputs_embeds.dim() != 3 || in.inputs_embeds.size(2) != cfg_.hidden_size)
    throw Error(kWhere, "inputs_embeds has shape " + shape_text(in.inputs_embeds.sizes()) + ", expected [B, T, " +
                            std::to_string(cfg_.hidden_size) + "]");
  const at::Tensor& weight = model->embed_tokens->weight;
  return in.inputs_embeds.to(weight.device(), weight.scalar_type());
}

DecoderCache* DecoderLMImpl::checked_cache(KVCache* given, const at::Tensor& x) const {
  if (given == nullptr) return nullptr;
  auto* cache = dynamic_cast<DecoderCache*>(given);
  if (cache == nullptr) throw Error(kWhere, "the KV cache was not made by this model's new_cache()");
  const int64_t b = x.size(0), t = x.size(1);
  if (cache->batch_ != b)
    throw Error(kWhere, "the KV cache holds " + std::to_string(cache->batch_) + " rows, the input " + std::to_string(b));
  if (cache->length_ + t > cache->capacity_)
    throw Error(kWhere, "the KV cache is full: " + std::to_string(cache->length_) + " cached + " + std::to_string(t) +
                            " new tokens > capacity " + std::to_string(cache->capacity_));
  LayerKV& first = cache->layers_.front();
  if (!first.keys.defined()) {
    for (LayerKV& kv : cache->layers_) {
      kv.keys = at::zeros({b, cfg_.num_kv_heads, cache->capacity_, cfg_.head_dim}, x.options());
      kv.values = at::zeros_like(kv.keys);
    }
  } else if (first.keys.scalar_type() != x.scalar_type() || first.keys.device() != x.device()) {
    throw Error(kWhere, "the KV cache was filled with another dtype or device; make a new one after moving the model");
  }
  return cache;
}

// Document ids of all keys (cached ones first); the cache remembers those of the new tokens.
at::Tensor DecoderCache::key_documents(const at::Tensor& query_documents, int64_t new_tokens) {
  if (!query_documents.defined()) {
    if (document_ids_.defined())
      throw Error(kWhere, "the cached tokens were run with document_ids; give them for the new tokens too");
    return {};
  }
  if (length_ > 0 && !document_ids_.defined())
    throw Error(kWhere, "document_ids given, but the cached tokens were run without them");
  if (!document_ids_.defined()) document_ids_ = at::zeros({batch_, capacity_}, query_documents.options());
  document_ids_.narrow(1, length_, new_tokens).copy_(query_documents);
  return document_ids_.narrow(1, 0, length_ + new_tokens);
}

LanguageModelOutput DecoderLMImpl::forward(const LanguageModelInput& in) {
  at::Tensor x = input_embeddings(in);
  const int64_t b = x.size(0), t = x.size(1);
  if (t == 0) throw Error(kWhere, "the input holds no tokens");
  if (in.logits_to_keep < 0) throw Error(kWhere, "logits_to_keep must be >= 0");

  if (!in.position_ids.defined()) throw Error(kWhere, "position_ids are required ([B, T] int64)");
  at::Tensor positions = in.position_ids.to(x.device());
  if (positions.dim() == 2 && positions.size(0) == 1 && b > 1) positions = positions.expand({b, t});
  expect_shape(positions, {b, t}, "position_ids");

  DecoderCache* cache = checked_cache(in.cache, x);
  const int64_t past = cache ? cache->length_ : 0;

  at::Tensor key_padding;
  if (in.attention_mask.defined()) {
    key_padding = in.attention_mask.to(x.device());
    expect_shape(key_padding, {b, past + t}, "attention_mask (cached + new tokens)");
  }
  at::Tensor query_documents;
  if (in.document_ids.defined()) {
    query_documents = in.document_ids.to(x.device(), at::kLong);
    expect_shape(query_documents, {b, t}, "document_ids");
  }
  const at::Tensor key_documents = cache ? cache->key_documents(query_documents, t) : query_documents;

  const at::Tensor mask =
      attention_mask(b, t, past, key_padding, key_documents, query_documents, x.scalar_type(), x.device());
  const RotaryAngles rope = rotary_angles(inv_freq_, positions, x.scalar_type());

  LanguageModelOutput out;
  if (in.output_hidden_states) out.hidden_states.push_back(x);
  const int64_t n = cfg_.num_layers;
  for (int64_t i = 0; i < n; ++i) {
    LayerKV* kv = nullptr;
    if (cache) {
      kv = &cache->layers_[static_cast<size_t>(i)];
      kv->past = past;
    }
    DecoderLayerImpl& layer = model->layers->at<DecoderLayerImpl>(static_cast<size_t>(i));
    if (recompute_ && !cache && at::GradMode::is_enabled() && x.requires_grad())
      x = recomputed([&layer, rope, mask](const at::Tensor& h) { return layer.forward(h, rope, mask, nullptr); }, x);
    else
      x = layer.forward(x, rope, mask, kv);
    if (in.output_hidden_states && i + 1 < n) out.hidden_states.push_back(x);
  }
  x = model->norm(x);
  // transformers' last hidden state is the normed one.
  if (in.output_hidden_states) out.hidden_states.push_back(x);
  if (cache) cache->length_ += t;

  const int64_t keep = in.logits_to_keep;
  const at::Tensor kept = keep > 0 && keep < t ? x.narrow(1, t - keep, keep) : x;
  out.logits = at::linear(kept, output_weight()).to(at::kFloat);
  return out;
}

}  // namespace vlforge::models
