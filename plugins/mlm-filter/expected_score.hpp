// The "expected" MLM-Filter score: sum over v in 0..100 of v * P(answer = v | prompt), with the
// probabilities renormalised over the candidates (score_candidates.hpp). It moves smoothly with
// the model's belief where the greedy integer jumps, and has far fewer ties.
//
// Exact, and sharing the prompt's work: the prompt runs once into a KV cache; then each chain of
// candidate tokens is appended to the same cache with the attention mask hiding every earlier
// chain except the chain's own ancestors, and with positions continuing from the prompt. Each
// candidate token therefore sees exactly the prompt and its own prefix, as in a separate forward
// of prompt + prefix. Cost per batch: one prompt pass plus one short pass per chain (91 with
// Qwen's one-token-per-digit vocabulary, 101 tokens in all), each attending to the prompt: about
// what generating 90 tokens costs, against ~4 for the generated score.
#pragma once

#include <ATen/core/Tensor.h>

#include <vector>

#include "score_candidates.hpp"
#include "vlforge/interfaces/language_model.hpp"

namespace vlforge::mlm_filter {

struct ExpectedScores {
  std::vector<double> expected;  // per row, in 0..100
  std::vector<double> mass;      // per row: total probability of answering with one of the candidates
};

// prompt: inputs_embeds [B, T, C], left-padded as attention_mask [B, T] (1 = token) says.
ExpectedScores expected_scores(LanguageModel& lm, const at::Tensor& inputs_embeds, const at::Tensor& attention_mask,
                               const ScoreCandidates& candidates);

}  // namespace vlforge::mlm_filter
