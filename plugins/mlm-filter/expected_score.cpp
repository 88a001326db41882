#include "expected_score.hpp"

#include <torch/torch.h>

#include <limits>
#include <memory>
#include <string>

#include "vlforge/error.hpp"
#include "vlforge/generation.hpp"

namespace vlforge::mlm_filter {

ExpectedScores expected_scores(LanguageModel& lm, const at::Tensor& inputs_embeds, const at::Tensor& attention_mask,
                               const ScoreCandidates& candidates) {
  torch::NoGradGuard no_grad;
  const int64_t batch = inputs_embeds.size(0), length = inputs_embeds.size(1);
  const auto nodes = static_cast<int64_t>(candidates.nodes.size());
  const int64_t vocab = candidates.continues_number.size(0);
  const at::Tensor mask = attention_mask.to(at::kCPU, at::kLong);
  const at::Tensor positions = positions_from_mask(mask);
  // Each row's answer continues from its own last prompt position.
  const at::Tensor last_position = positions.select(1, length - 1).unsqueeze(1);
  const std::unique_ptr<KVCache> cache = lm.new_cache(batch, length + nodes);

  // log P(node's token | prompt and the node's prefix), and log P(the answer stops after the node).
  std::vector<at::Tensor> token_logp(static_cast<size_t>(nodes)), stop_logp(static_cast<size_t>(nodes));
  at::Tensor continues;
  // logp [B, vocab]: the next-token distribution after `node` (-1: after the prompt).
  const auto absorb = [&](int64_t node, const at::Tensor& logp) {
    if (logp.size(-1) != vocab)
      throw Error("scorer/mlm-filter", "the language model gives " + std::to_string(logp.size(-1)) +
                                           " logits per token, the candidates were built for " + std::to_string(vocab));
    if (!continues.defined()) continues = candidates.continues_number.to(logp.device());
    const std::vector<int64_t>& next =
        node < 0 ? candidates.first_tokens : candidates.nodes[static_cast<size_t>(node)].children;
    for (const int64_t child : next)
      token_logp[static_cast<size_t>(child)] = logp.select(1, candidates.nodes[static_cast<size_t>(child)].token);
    if (node >= 0 && candidates.nodes[static_cast<size_t>(node)].value >= 0)
      stop_logp[static_cast<size_t>(node)] =
          logp.masked_fill(continues, -std::numeric_limits<float>::infinity()).logsumexp(-1);
  };

  LanguageModelInput prompt;
  prompt.inputs_embeds = inputs_embeds;
  prompt.position_ids = positions;
  prompt.attention_mask = mask;
  prompt.cache = cache.get();
  prompt.logits_to_keep = 1;
  absorb(-1, lm.forward(prompt).logits.select(1, 0).log_softmax(-1));

  for (const Chain& chain : candidates.chains) {
    std::vector<int64_t> tokens, depths;
    for (int64_t i = 0; i < chain.length; ++i) {
      const CandidateNode& node = candidates.nodes[static_cast<size_t>(chain.first + i)];
      tokens.push_back(node.token);
      depths.push_back(node.depth);
    }
    // Fed so far: nodes 0 .. first - 1, in cache order. The chain sees only its ancestors among them.
    at::Tensor ancestors = torch::zeros({1, chain.first}, torch::kLong);
    auto ancestor = ancestors.accessor<int64_t, 2>();
    for (int64_t a = candidates.nodes[static_cast<size_t>(chain.first)].parent; a >= 0;
         a = candidates.nodes[static_cast<size_t>(a)].parent)
      ancestor[0][a] = 1;

    LanguageModelInput step;
    step.input_ids = torch::tensor(tokens, torch::kLong).unsqueeze(0).expand({batch, chain.length}).contiguous();
    step.position_ids = last_position + torch::tensor(depths, torch::kLong).unsqueeze(0);
    step.attention_mask =
        at::cat({mask, ancestors.expand({batch, chain.first}), torch::ones({batch, chain.length}, torch::kLong)}, 1);
    step.cache = cache.get();
    const at::Tensor logp = lm.forward(step).logits.log_softmax(-1);  // [B, length, vocab]
    for (int64_t i = 0; i < chain.length; ++i) absorb(chain.first + i, logp.select(1, i));
  }

  // log P(v) = the log-probabilities along v's path + log P(stop after it).
  const at::Tensor token = at::stack(token_logp).to(at::kCPU, at::kDouble);  // [nodes, B]
  std::vector<at::Tensor> path(static_cast<size_t>(nodes));
  for (int64_t n = 0; n < nodes; ++n) {
    const int64_t parent = candidates.nodes[static_cast<size_t>(n)].parent;
    path[static_cast<size_t>(n)] = parent < 0 ? token[n] : path[static_cast<size_t>(parent)] + token[n];
  }
  std::vector<at::Tensor> value_logp;
  for (const int64_t node : candidates.node_of_value)
    value_logp.push_back(path[static_cast<size_t>(node)] + stop_logp[static_cast<size_t>(node)].to(at::kCPU, at::kDouble));
  const at::Tensor logp = at::stack(value_logp, 1);  // [B, values]
  const at::Tensor total = logp.logsumexp(1, /*keepdim=*/true);
  const at::Tensor values = torch::arange(logp.size(1), torch::kDouble);
  const at::Tensor expected = ((logp - total).exp() * values).sum(1).contiguous();
  const at::Tensor mass = total.squeeze(1).exp().contiguous();

  ExpectedScores out;
  out.expected.assign(expected.data_ptr<double>(), expected.data_ptr<double>() + batch);
  out.mass.assign(mass.data_ptr<double>(), mass.data_ptr<double>() + batch);
  return out;
}

}  // namespace vlforge::mlm_filter
