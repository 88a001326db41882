// Plugin `mlm-filter`: scorer/mlm-filter.
#include <memory>

#include "mlm_filter_scorer.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::mlm_filter {
namespace {

Schema<MlmFilterConfig> mlm_filter_schema() {
  Schema<MlmFilterConfig> s(
      "MLM-Filter (arXiv 2403.02677): a multimodal LM fine-tuned to grade image-caption pairs, asked one metric "
      "prompt per sample in the reference's exact words and qwen_instruct conversation. The released "
      "mlm-filter-qwen2.5-1.5b-gpt4o is SigLIP-SO400M at 384 px with select_layer = -1, projector/avgpool-mlp "
      "with 144 tokens, and Qwen2.5-1.5B-Instruct; the Open-Qwen2VL data keeps semantic_understanding >= 85. "
      "score = \"generated\": the integer the model writes greedily (the first integer of its first line, NaN "
      "unless in 0..100); \"expected\": sum of v * P(v) over v = 0..100, P renormalised over those answers, "
      "computed exactly from one cached prompt pass plus one short pass per leaf of the answers' token trie "
      "(about the cost of generating 90 tokens), with an extra column SCORE_mass = the probability of answering "
      "with any of them. Samples whose image cannot be decoded or whose prompt is too long score NaN (never an "
      "error), and selector/threshold drops NaN. The device is the run's.");
  s.field("vision", &MlmFilterConfig::vision, "the filter model's vision encoder").kind("vision_encoder");
  s.field("projector", &MlmFilterConfig::projector, "the filter model's projector").kind("projector");
  s.field("language_model", &MlmFilterConfig::language_model, "the filter model's language model")
      .kind("language_model");
  s.field("tokenizer", &MlmFilterConfig::tokenizer, "the language model's tokenizer").kind("tokenizer");
  s.field("codec", &MlmFilterConfig::codec, "decodes and resizes the images").kind("image_codec");
  s.field("metric", &MlmFilterConfig::metric, "which quality the prompt asks for")
      .choices({"image_text_matching", "object_detail_fulfillment", "caption_text_quality", "semantic_understanding"})
      .required();
  s.field("score_name", &MlmFilterConfig::score_name,
          "column of the score; empty: mlm_itm, mlm_odf, mlm_ctq or mlm_su by metric");
  s.field("score", &MlmFilterConfig::score, "generated (the greedy integer) or expected (mean over 0..100)")
      .choices({"generated", "expected"});
  s.field("batch_size", &MlmFilterConfig::batch_size, "samples per model run").min(1);
  s.field("image_tokens", &MlmFilterConfig::image_tokens, "tokens per image; 0: the projector's default").min(0);
  s.field("max_new_tokens", &MlmFilterConfig::max_new_tokens,
          "generated: tokens the answer may take (it stops at a newline or the eos); the reference's 2 cuts \"100\" "
          "to \"10\" with Qwen's one token per digit")
      .min(1);
  s.field("max_prompt_tokens", &MlmFilterConfig::max_prompt_tokens,
          "longest prompt scored, image tokens included; longer ones score NaN")
      .min(1);
  s.field("answer_prefix", &MlmFilterConfig::answer_prefix,
          "text encoded on its own and put after the assistant's turn opens (the reference appends the id of \" \")");
  s.field("resize", &MlmFilterConfig::resize,
          "stretch: plain resize to the encoder's input, as the reference scoring script does; pad_square: pad "
          "to a square with the mean colour first, as the filter was trained")
      .choices({"stretch", "pad_square"});
  return s;
}

void register_components(Registrar& r) {
  r.add<Scorer>("mlm-filter", mlm_filter_schema(), [](const MlmFilterConfig& cfg, Context& ctx) {
    return std::make_unique<MlmFilterScorer>(cfg, ctx);
  });
}

}  // namespace
}  // namespace vlforge::mlm_filter

VLFORGE_PLUGIN(vlforge::mlm_filter::register_components)
