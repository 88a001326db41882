// Interface of kind `language_model`: a decoder-only LM (Qwen2, Llama) with a KV cache.
//
// forward() takes either token ids or input embeddings (multimodal sequences splice projected
// image tokens into the text embeddings), explicit position ids, and an attention pattern:
//   - causal over the whole row, with an optional key-padding mask (left-padded batches);
//   - causal within documents (packed sequences): `document_ids` [B, T] gives each token's
//     document; a token attends only to earlier tokens of the same document.
// With a cache, the new tokens attend to everything cached for their row and the cache grows.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/export.hpp"
#include "vlforge/trainable.hpp"

namespace vlforge {

struct LanguageModelShape {
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t num_layers = 0;
  int64_t num_heads = 0;
  int64_t num_kv_heads = 0;
  int64_t head_dim = 0;
  int64_t intermediate_size = 0;
  int64_t max_positions = 0;
};

// Keys and values of past tokens, per layer; opaque to callers.
class VLFORGE_API KVCache {
 public:
  virtual ~KVCache();
  virtual int64_t length() const = 0;    // tokens cached per row
  virtual int64_t capacity() const = 0;  // tokens it can hold per row
};

struct LanguageModelInput {
  at::Tensor input_ids;       // [B, T] int64, or undefined when inputs_embeds is given
  at::Tensor inputs_embeds;   // [B, T, hidden]
  at::Tensor position_ids;    // [B, T] int64; required
  at::Tensor attention_mask;  // [B, T_total] 1 = real token, 0 = padding; undefined = all real
  at::Tensor document_ids;    // [B, T] int64 for per-document causal attention; undefined = causal
  KVCache* cache = nullptr;   // appended to when given
  bool output_hidden_states = false;
  int64_t logits_to_keep = 0;  // logits of the last k positions only (generation: 1); 0 = all
};

struct LanguageModelOutput {
  at::Tensor logits;                      // [B, T, vocab]
  std::vector<at::Tensor> hidden_states;  // embeddings, each layer, last one after the final norm
};

// How documents packed into one row see each other (the `attention` key of an LM component):
//   isolated: each document attends only to itself, positions restart at 0 per document
//             (pass document_ids);
//   shared:   plain causal attention over the whole row, positions running on (the
//             Open-Qwen2VL reference).
enum class PackedAttention { isolated, shared };

class VLFORGE_API LanguageModel : public Component, public Trainable {
 public:
  static constexpr std::string_view kind = "language_model";
  ~LanguageModel() override;

  virtual LanguageModelShape shape() const = 0;
  // ids [B, T] -> [B, T, hidden]
  virtual at::Tensor embed(const at::Tensor& input_ids) = 0;
  virtual LanguageModelOutput forward(const LanguageModelInput& input) = 0;
  virtual std::unique_ptr<KVCache> new_cache(int64_t batch, int64_t capacity) = 0;
  // The pattern a stage should use for packed rows of this model.
  virtual PackedAttention packed_attention() const = 0;
};

}  // namespace vlforge
