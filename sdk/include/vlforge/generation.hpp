// Text generation over any vlforge::LanguageModel: greedy decoding or sampling (temperature,
// top-k, top-p) with stop tokens, stop strings and a token budget, for batched prompts.
//
// Prompts are left-padded rows with an attention mask (1 = real token), as transformers'
// generate() takes them; positions are cumsum(mask)-1 with padded slots at 1, the rule
// transformers uses, so that greedy ids agree with it. The prompt runs once to fill a KV cache,
// then each step feeds one token per row. A prompt may be token ids, or embeddings (a multimodal
// sequence with projected image tokens spliced in); then, as in transformers, only the new ids
// are returned.
//
//   GenerationConfig g;
//   g.max_new_tokens = 32;
//   g.stop_token_ids = {tokenizer.eos_id()};
//   GenerationOutput out = generate(lm, {.input_ids = ids}, g);
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "vlforge/export.hpp"
#include "vlforge/interfaces/language_model.hpp"
#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge {

struct GenerationConfig {
  int64_t max_new_tokens = 32;
  bool do_sample = false;     // false: greedy (argmax); true: sample with the settings below
  double temperature = 1.0;   // > 0; logits are divided by it before top-k and top-p
  int64_t top_k = 0;          // keep the k most likely tokens; 0 = all
  double top_p = 1.0;         // keep the smallest set with probability >= top_p; 1 = all
  uint64_t seed = 0;          // seeds the sampling generator (CPU), so runs repeat exactly
  std::vector<int64_t> stop_token_ids;  // a row ends after generating one of these (it is kept)
  std::vector<std::string> stop_strings;  // a row ends once its new text contains one (needs a detokenizer)
  int64_t pad_token_id = 0;   // fills a row's slots after it ended
  bool use_cache = true;      // false recomputes the whole sequence each step (a reference for tests)
};

// Decodes generated ids to text, for stop strings.
using Detokenizer = std::function<std::string(std::span<const int64_t> ids)>;
VLFORGE_API Detokenizer detokenizer(const Tokenizer& tokenizer);

struct GenerationInput {
  at::Tensor input_ids;       // [B, T] int64 prompt, left-padded; or
  at::Tensor inputs_embeds;   // [B, T, hidden] prompt embeddings
  at::Tensor attention_mask;  // [B, T] 1 = real token, 0 = left padding; undefined = no padding
};

// Called with each new token of each row as it is generated (streaming); returning false ends
// that row there (a client that went away), with FinishReason::cancelled.
using TokenCallback = std::function<bool(int64_t row, int64_t token)>;

enum class FinishReason { length, stop_token, stop_string, cancelled };

struct GenerationOutput {
  // On the CPU: [B, T + n] prompt and new ids when the prompt was ids; [B, n] new ids when it
  // was embeddings. n is the longest row's count; rows that ended earlier are filled with
  // pad_token_id.
  at::Tensor sequences;
  std::vector<std::vector<int64_t>> new_tokens;  // per row, up to and including its stop token
  std::vector<FinishReason> finish_reasons;
};

// `detokenize` is required when `config.stop_strings` is not empty.
VLFORGE_API GenerationOutput generate(LanguageModel& model, const GenerationInput& input, const GenerationConfig& config,
                                      const Detokenizer& detokenize = {}, const TokenCallback& on_token = {});

// The next token of each row from last-position logits [B, vocab]: argmax, or a sample from the
// temperature / top-k / top-p filtered distribution (transformers' warpers, in that order).
VLFORGE_API at::Tensor next_tokens(const at::Tensor& logits, const GenerationConfig& config, at::Generator& generator);

// Positions of a left-padded batch: cumsum(mask) - 1, padded slots 1 ([B, T] int64).
VLFORGE_API at::Tensor positions_from_mask(const at::Tensor& attention_mask);

}  // namespace vlforge
