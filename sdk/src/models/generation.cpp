#include "vlforge/generation.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <limits>

#include "vlforge/error.hpp"

namespace vlforge {

namespace {

constexpr const char* kWhere = "generate";

void check_config(const GenerationConfig& c, const Detokenizer& detokenize) {
  if (c.max_new_tokens < 0) throw Error(kWhere, "max_new_tokens must be >= 0");
  if (c.do_sample) {
    if (!(c.temperature > 0)) throw Error(kWhere, "temperature must be > 0 when sampling");
    if (c.top_k < 0) throw Error(kWhere, "top_k must be >= 0 (0 keeps every token)");
    if (!(c.top_p > 0 && c.top_p <= 1)) throw Error(kWhere, "top_p must be in (0, 1]");
  }
  if (!c.stop_strings.empty() && !detokenize)
    throw Error(kWhere, "stop_strings need a detokenizer to turn generated ids into text");
  for (const std::string& s : c.stop_strings)
    if (s.empty()) throw Error(kWhere, "a stop string is empty (it would stop every row at once)");
}

bool contains(const std::vector<int64_t>& ids, int64_t id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }

}  // namespace

Detokenizer detokenizer(const Tokenizer& tokenizer) {
  return [&tokenizer](std::span<const int64_t> ids) { return tokenizer.decode(ids, /*skip_special=*/false); };
}

at::Tensor positions_from_mask(const at::Tensor& attention_mask) {
  const at::Tensor mask = attention_mask.to(at::kLong);
  return (mask.cumsum(-1) - 1).masked_fill(mask.eq(0), 1);
}

at::Tensor next_tokens(const at::Tensor& logits, const GenerationConfig& config, at::Generator& generator) {
  if (!config.do_sample) return logits.argmax(-1);
  // Sampling runs on the CPU with the seeded generator, so a seed gives the same ids on any device.
  at::Tensor scores = logits.to(at::kCPU, at::kFloat);
  const double neg_inf = -std::numeric_limits<double>::infinity();
  if (config.temperature != 1.0) scores = scores / config.temperature;
  if (config.top_k > 0 && config.top_k < scores.size(-1)) {
    const at::Tensor kth = std::get<0>(scores.topk(config.top_k, -1)).narrow(-1, config.top_k - 1, 1);
    scores = scores.masked_fill(scores.lt(kth), neg_inf);
  }
  if (config.top_p < 1.0) {
    // Drop the least likely tokens whose total probability stays within 1 - top_p; the most
    // likely token always survives.
    const auto [sorted, order] = scores.sort(-1, /*descending=*/false);
    at::Tensor drop_sorted = sorted.softmax(-1).cumsum(-1).le(1.0 - config.top_p);
    drop_sorted.narrow(-1, drop_sorted.size(-1) - 1, 1).fill_(false);
    scores = scores.masked_fill(drop_sorted.scatter(-1, order, drop_sorted), neg_inf);
  }
  const at::Tensor probs = scores.softmax(-1);
  return at::multinomial(probs, 1, /*replacement=*/false, generator).squeeze(-1).to(logits.device());
}

GenerationOutput generate(LanguageModel& model, const GenerationInput& input, const GenerationConfig& config,
                          const Detokenizer& detokenize, const TokenCallback& on_token) {
  check_config(config, detokenize);
  if (input.input_ids.defined() == input.inputs_embeds.defined())
    throw Error(kWhere, "give the prompt as exactly one of input_ids and inputs_embeds");
  const bool from_ids = input.input_ids.defined();
  const at::Tensor& prompt = from_ids ? input.input_ids : input.inputs_embeds;
  if (prompt.dim() != (from_ids ? 2 : 3) || prompt.size(1) == 0)
    throw Error(kWhere, from_ids ? "input_ids must be [B, T] with T > 0" : "inputs_embeds must be [B, T, hidden] with T > 0");
  const int64_t batch = prompt.size(0), prompt_len = prompt.size(1);
  const bool padded = input.attention_mask.defined();
  if (padded && input.attention_mask.sizes() != at::IntArrayRef({batch, prompt_len}))
    throw Error(kWhere, "attention_mask must have the prompt's shape [B, T]");

  torch::NoGradGuard no_grad;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(config.seed);

  // Without padding no mask is passed at all: the model then needs none for single-token steps.
  at::Tensor mask = padded ? input.attention_mask.to(at::kLong) : at::ones({batch, prompt_len}, at::kLong);
  at::Tensor positions = positions_from_mask(mask);
  std::unique_ptr<KVCache> cache = config.use_cache ? model.new_cache(batch, prompt_len + config.max_new_tokens) : nullptr;

  LanguageModelInput step;
  (from_ids ? step.input_ids : step.inputs_embeds) = prompt;
  step.position_ids = positions;
  if (padded) step.attention_mask = mask;
  step.cache = cache.get();
  step.logits_to_keep = 1;

  GenerationOutput out;
  out.new_tokens.resize(static_cast<size_t>(batch));
  out.finish_reasons.assign(static_cast<size_t>(batch), FinishReason::length);
  std::vector<bool> finished(static_cast<size_t>(batch), false);
  std::vector<at::Tensor> columns;
  for (int64_t s = 0; s < config.max_new_tokens; ++s) {
    const at::Tensor logits = model.forward(step).logits.select(1, -1);
    // The model keeps being fed sampled ids (valid for any row); rows that ended show the pad id.
    const at::Tensor fed = next_tokens(logits, config, generator).unsqueeze(1);  // [B, 1]
    const at::Tensor shown = fed.squeeze(1).to(at::kCPU, /*non_blocking=*/false, /*copy=*/true).contiguous();
    int64_t* ids = shown.data_ptr<int64_t>();
    bool all_finished = true;
    for (int64_t b = 0; b < batch; ++b) {
      const auto row = static_cast<size_t>(b);
      if (finished[row]) {
        ids[b] = config.pad_token_id;
        continue;
      }
      out.new_tokens[row].push_back(ids[b]);
      if (on_token && !on_token(b, ids[b])) {
        finished[row] = true;
        out.finish_reasons[row] = FinishReason::cancelled;
      } else if (contains(config.stop_token_ids, ids[b])) {
        finished[row] = true;
        out.finish_reasons[row] = FinishReason::stop_token;
      } else if (!config.stop_strings.empty()) {
        const std::string text = detokenize(out.new_tokens[row]);
        for (const std::string& stop : config.stop_strings) {
          if (text.find(stop) != std::string::npos) {
            finished[row] = true;
            out.finish_reasons[row] = FinishReason::stop_string;
            break;
          }
        }
      }
      all_finished = all_finished && finished[row];
    }
    columns.push_back(shown.unsqueeze(1));
    if (all_finished || s + 1 == config.max_new_tokens) break;

    // Each row's next position follows its last one; left padding keeps its offset.
    const at::Tensor next_positions = positions.narrow(1, positions.size(1) - 1, 1) + 1;
    mask = at::cat({mask, at::ones({batch, 1}, at::kLong)}, 1);
    if (padded) step.attention_mask = mask;
    if (config.use_cache) {
      step.input_ids = fed;
      step.inputs_embeds = at::Tensor();
      positions = next_positions;
    } else {
      // The reference path: the whole sequence again, without a cache.
      if (from_ids) {
        step.input_ids = at::cat({step.input_ids.to(fed.device()), fed}, 1);
      } else {
        step.inputs_embeds = at::cat({step.inputs_embeds, model.embed(fed).to(step.inputs_embeds.device())}, 1);
      }
      positions = at::cat({positions, next_positions}, 1);
    }
    step.position_ids = positions;
  }

  const at::Tensor generated = columns.empty() ? at::empty({batch, 0}, at::kLong) : at::cat(columns, 1);
  out.sequences = from_ids ? at::cat({input.input_ids.to(at::kCPU), generated}, 1) : generated;
  return out;
}

}  // namespace vlforge
