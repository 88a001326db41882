// The decoder-only language model of the Llama family as one torch::nn::Module, with the module
// tree of transformers' *ForCausalLM: `model.embed_tokens`, `model.layers.N`, `model.norm`,
// `lm_head` (absent when tied to the embeddings). Its named_parameters() are the Hugging Face
// checkpoint names. Also the KV cache and the attention masks it uses.
//
// DecoderLanguageModel (decoder_language_model.hpp) wraps it as a vlforge::LanguageModel; this
// header is for code that wants the module itself (a trainer, a test of a single block).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "vlforge/export.hpp"
#include "vlforge/interfaces/language_model.hpp"
#include "vlforge/models/decoder_blocks.hpp"
#include "vlforge/models/decoder_config.hpp"

namespace vlforge::models {

// Keys and values of every layer, preallocated for `capacity` tokens per row at the first
// forward (in the model's dtype and device at that time). Rows share one length: batched
// prompts are left-padded, and the padding is masked by the attention mask.
class VLFORGE_API DecoderCache final : public KVCache {
 public:
  DecoderCache(int64_t batch, int64_t capacity, int64_t num_layers);
  ~DecoderCache() override;

  int64_t length() const override { return length_; }
  int64_t capacity() const override { return capacity_; }
  int64_t batch() const { return batch_; }

 private:
  friend class DecoderLMImpl;
  at::Tensor key_documents(const at::Tensor& query_documents, int64_t new_tokens);

  int64_t batch_, capacity_, length_ = 0;
  std::vector<LayerKV> layers_;
  at::Tensor document_ids_;  // [B, capacity] int64 once a forward passed document_ids
};

// Additive attention mask [B, 1, T, past+T] in `dtype`: 0 where query t may attend key s,
// finfo(dtype).min elsewhere (as transformers, so fully masked rows stay finite). A key is
// allowed when it is not after the query (causal), not padding (`key_padding` [B, past+T],
// 1 = real token), and, with document ids, in the query's document (`key_documents`
// [B, past+T], `query_documents` [B, T]). Undefined when every key is allowed (one new token,
// no padding, no documents): the attention then needs no mask at all.
VLFORGE_API at::Tensor attention_mask(int64_t batch, int64_t new_tokens, int64_t past, const at::Tensor& key_padding,
                                      const at::Tensor& key_documents, const at::Tensor& query_documents,
                                      at::ScalarType dtype, const at::Device& device);

class VLFORGE_API DecoderModelImpl : public torch::nn::Module {
 public:
  DecoderModelImpl(const DecoderConfig& cfg, const at::TensorOptions& options);

  Embedding embed_tokens{nullptr};
  torch::nn::ModuleList layers{nullptr};
  RMSNorm norm{nullptr};
};
TORCH_MODULE(DecoderModel);

class VLFORGE_API DecoderLMImpl : public torch::nn::Module {
 public:
  DecoderLMImpl(DecoderConfig cfg, const at::TensorOptions& options);

  const DecoderConfig& config() const { return cfg_; }
  // The rotary frequencies (float32, on the model's device).
  const at::Tensor& inv_freq() const { return inv_freq_; }

  // ids [B, T] int64 on any device -> [B, T, hidden] on the model's device.
  at::Tensor embed(const at::Tensor& input_ids);
  // Checks the input's shapes against each other, the model and the cache, then runs it. Logits
  // are float32 (as transformers returns them) and cover the last `logits_to_keep` positions (0:
  // all). hidden_states: embeddings, layers 1..N-1, final norm of layer N.
  LanguageModelOutput forward(const LanguageModelInput& input);

  // The weight the output projection uses: lm_head, or the embeddings when tied.
  const at::Tensor& output_weight() const;

  // Moves parameters and keeps the rotary frequencies float32 on the same device.
  void move_to(const at::Device& device, at::ScalarType dtype);
  // Recompute each layer in the backward pass instead of keeping its activations (training only).
  void set_recompute(bool recompute) { recompute_ = recompute; }

  DecoderModel model{nullptr};
  Linear lm_head{nullptr};  // null when tie_word_embeddings

 private:
  at::Tensor input_embeddings(const LanguageModelInput& in);
  // The input's cache, checked against x [B, T, hidden] and allocated at its first use.
  DecoderCache* checked_cache(KVCache* given, const at::Tensor& x) const;

  DecoderConfig cfg_;
  at::Tensor inv_freq_;
  bool recompute_ = false;
};
TORCH_MODULE(DecoderLM);

}  // namespace vlforge::models
