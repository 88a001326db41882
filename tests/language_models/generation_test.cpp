// vlforge::generate over a real LanguageModel (the tiny Qwen2 and Llama fixtures): the KV cache
// against recomputation, sampling, stop tokens and stop strings, prompts as embeddings.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

#include <ATen/CPUGeneratorImpl.h>

#include "component_factory.hpp"
#include "test_paths.hpp"
#include "vlforge/error.hpp"
#include "vlforge/generation.hpp"
#include "vlforge/interfaces/language_model.hpp"

namespace vlforge::test {
namespace {

std::shared_ptr<LanguageModel> tiny_model(const std::string& name) {
  static ComponentMaker maker;
  static std::map<std::string, std::shared_ptr<LanguageModel>> models;
  auto& lm = models[name];
  if (!lm)
    lm = maker.make<LanguageModel>("use = \"language_model/" + name + "\"\ncheckpoint = \"" +
                                   (hf_fixtures_dir() / (name + "-tiny") / "model").string() + "\"");
  return lm;
}

// Two prompts of 9 and 6 tokens, the second left-padded.
GenerationInput padded_batch() {
  GenerationInput in;
  in.input_ids = torch::randint(1, 1000, {2, 9}, at::kLong);
  in.attention_mask = torch::ones({2, 9}, at::kLong);
  in.attention_mask.select(0, 1).narrow(0, 0, 3).fill_(0);
  in.input_ids.masked_fill_(in.attention_mask.eq(0), 0);
  return in;
}

// Ids "<17>" for a fake detokenizer: stop strings then match whole tokens only.
std::string bracketed(std::span<const int64_t> ids) {
  std::string text;
  for (int64_t id : ids) text += "<" + std::to_string(id) + ">";
  return text;
}

TEST(Generation, KVCacheGivesTheIdsOfRecomputation) {
  torch::manual_seed(3);
  for (const std::string name : {"qwen2", "llama"}) {
    auto lm = tiny_model(name);
    const GenerationInput batch = padded_batch();
    GenerationConfig g;
    g.max_new_tokens = 12;
    for (const bool sample : {false, true}) {
      g.do_sample = sample;
      g.temperature = 0.7;
      g.top_k = 50;
      g.top_p = 0.9;
      g.seed = 11;
      g.use_cache = true;
      const GenerationOutput cached = generate(*lm, batch, g);
      g.use_cache = false;
      const GenerationOutput recomputed = generate(*lm, batch, g);
      EXPECT_TRUE(cached.sequences.equal(recomputed.sequences)) << name << (sample ? " sampled" : " greedy");
      EXPECT_EQ(cached.sequences.sizes(), (std::vector<int64_t>{2, 21}));
      EXPECT_TRUE(cached.sequences.narrow(1, 0, 9).equal(batch.input_ids));
    }
  }
}

TEST(Generation, PaddedRowGeneratesWhatItGeneratesAlone) {
  auto lm = tiny_model("qwen2");
  const GenerationInput batch = padded_batch();
  GenerationConfig g;
  g.max_new_tokens = 8;
  const GenerationOutput together = generate(*lm, batch, g);
  GenerationInput alone;
  alone.input_ids = batch.input_ids.narrow(0, 1, 1).narrow(1, 3, 6);
  const GenerationOutput single = generate(*lm, alone, g);
  EXPECT_TRUE(together.sequences.narrow(0, 1, 1).narrow(1, 9, 8).equal(single.sequences.narrow(1, 6, 8)));
}

TEST(Generation, SamplingIsSeededAndFiltersApply) {
  auto lm = tiny_model("llama");
  GenerationInput in;
  in.input_ids = torch::randint(1, 1000, {3, 5}, at::kLong);
  GenerationConfig g;
  g.max_new_tokens = 10;
  const at::Tensor greedy = generate(*lm, in, g).sequences;

  g.do_sample = true;
  g.seed = 5;
  const at::Tensor a = generate(*lm, in, g).sequences;
  EXPECT_TRUE(a.equal(generate(*lm, in, g).sequences)) << "same seed, same ids";
  g.seed = 6;
  EXPECT_FALSE(a.equal(generate(*lm, in, g).sequences)) << "another seed, other ids";

  g.top_k = 1;  // only the most likely token survives: greedy
  EXPECT_TRUE(generate(*lm, in, g).sequences.equal(greedy));
  g.top_k = 0;
  g.top_p = 1e-6;  // the smallest set reaching top_p is the top token alone
  EXPECT_TRUE(generate(*lm, in, g).sequences.equal(greedy));
}

TEST(Generation, NextTokenFilters) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(1);
  const at::Tensor logits = torch::tensor({{0.0f, 3.0f, 1.0f, 2.9f, -1.0f}}).expand({4000, 5}).contiguous();
  GenerationConfig g;
  EXPECT_TRUE(next_tokens(logits, g, gen).eq(1).all().item<bool>());

  g.do_sample = true;
  g.top_k = 2;
  const at::Tensor top2 = next_tokens(logits, g, gen);
  EXPECT_TRUE(top2.eq(1).logical_or(top2.eq(3)).all().item<bool>());
  EXPECT_GT(top2.eq(3).sum().item<int64_t>(), 1000);  // 2.9 vs 3.0: nearly even

  // Probabilities 0.47, 0.43, 0.06, ...: top_p 0.8 keeps the first two (together 0.90).
  g.top_k = 0;
  g.top_p = 0.8;
  const at::Tensor nucleus = next_tokens(logits, g, gen);
  EXPECT_TRUE(nucleus.eq(1).logical_or(nucleus.eq(3)).all().item<bool>());

  // Low temperature sharpens towards the argmax.
  g.top_p = 1.0;
  g.temperature = 0.01;
  EXPECT_TRUE(next_tokens(logits, g, gen).eq(1).all().item<bool>());
}

TEST(Generation, StopTokensAndStopStringsEndRows) {
  auto lm = tiny_model("qwen2");
  const GenerationInput batch = padded_batch();
  GenerationConfig g;
  g.max_new_tokens = 10;
  g.pad_token_id = -1;
  const GenerationOutput free_run = generate(*lm, batch, g);
  const at::Tensor new_ids = free_run.sequences.narrow(1, 9, 10);

  // Row 0 stops at its 3rd new token; row 1 runs to the budget unless it meets the same id.
  const int64_t stop = new_ids[0][2].item<int64_t>();
  g.stop_token_ids = {stop};
  const GenerationOutput stopped = generate(*lm, batch, g);
  ASSERT_GE(stopped.new_tokens[0].size(), 1u);
  EXPECT_EQ(stopped.new_tokens[0].back(), stop);
  EXPECT_LE(stopped.new_tokens[0].size(), 3u);
  EXPECT_EQ(stopped.finish_reasons[0], FinishReason::stop_token);
  const int64_t row0 = static_cast<int64_t>(stopped.new_tokens[0].size());
  const at::Tensor row0_ids = stopped.sequences[0].narrow(0, 9, stopped.sequences.size(1) - 9);
  EXPECT_TRUE(row0_ids.narrow(0, row0, row0_ids.size(0) - row0).eq(-1).all().item<bool>()) << "pads after the stop";

  // Both rows stopping early ends the loop early.
  g.stop_token_ids = {stop, new_ids[1][1].item<int64_t>()};
  const GenerationOutput both = generate(*lm, batch, g);
  EXPECT_LE(both.sequences.size(1), 9 + 3);

  // Stop strings: the text of the new ids contains "<ID>" once the token ID was generated.
  g.stop_token_ids.clear();
  g.stop_strings = {"<" + std::to_string(new_ids[1][3].item<int64_t>()) + ">"};
  const GenerationOutput by_string = generate(*lm, batch, g, bracketed);
  EXPECT_EQ(by_string.finish_reasons[1], FinishReason::stop_string);
  EXPECT_LE(by_string.new_tokens[1].size(), 4u);
  EXPECT_NE(bracketed(by_string.new_tokens[1]).find(g.stop_strings[0]), std::string::npos);

  try {
    generate(*lm, batch, g);
    FAIL() << "stop strings without a detokenizer";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("detokenizer"), std::string::npos);
  }
}

TEST(Generation, FromEmbeddingsReturnsOnlyNewIds) {
  auto lm = tiny_model("llama");
  GenerationInput ids;
  ids.input_ids = torch::randint(1, 1000, {2, 7}, at::kLong);
  GenerationConfig g;
  g.max_new_tokens = 6;
  const at::Tensor from_ids = generate(*lm, ids, g).sequences;

  GenerationInput embeds;
  {
    torch::NoGradGuard no_grad;
    embeds.inputs_embeds = lm->embed(ids.input_ids);
  }
  const GenerationOutput out = generate(*lm, embeds, g);
  ASSERT_EQ(out.sequences.sizes(), (std::vector<int64_t>{2, 6}));
  EXPECT_TRUE(out.sequences.equal(from_ids.narrow(1, 7, 6)));
  g.use_cache = false;
  EXPECT_TRUE(generate(*lm, embeds, g).sequences.equal(out.sequences));
}

TEST(Generation, ConfigurationErrors) {
  auto lm = tiny_model("qwen2");
  GenerationInput in;
  in.input_ids = torch::ones({1, 3}, at::kLong);
  auto message = [&](GenerationConfig g) -> std::string {
    try {
      generate(*lm, in, g);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  GenerationConfig g;
  g.do_sample = true;
  g.temperature = 0;
  EXPECT_NE(message(g).find("temperature must be > 0"), std::string::npos);
  g.temperature = 1;
  g.top_p = 0;
  EXPECT_NE(message(g).find("top_p must be in (0, 1]"), std::string::npos);
  g = {};
  g.max_new_tokens = 0;
  EXPECT_TRUE(generate(*lm, in, g).sequences.equal(in.input_ids));
  in.attention_mask = torch::ones({1, 4}, at::kLong);
  EXPECT_NE(message(g).find("attention_mask must have the prompt's shape"), std::string::npos);
}

}  // namespace
}  // namespace vlforge::test
