// The MLM-Filter prompt (Wang et al., arXiv 2403.02677) as the released Qwen2.5 filter,
// weizhiwang/mlm-filter-qwen2.5-1.5b-gpt4o, was trained on and is run by the reference scorer
// (Victorwz/MLM_Filter, mlm_filter_scoring_datacomp_batch_inference_v2.py): one instruction per
// quality metric, asked in LLaVA-Unified's `qwen_instruct` conversation. The model was trained on
// these exact strings, so they are reproduced character for character.
//
//   <|im_start|>system\nYou are a helpful assistant<|im_end|><|im_start|>user\n<image>\n
//   Text Caption: CAPTION\n\nCRITERIA A higher score indicates higher level of ASPECT. ...<|im_end|>
//   <|im_start|>assistant\n
//
// (one line in reality: the turns are joined without newlines, the `MPT` separator style).
#pragma once

#include <string>
#include <string_view>

namespace vlforge::mlm_filter {

enum class Metric { image_text_matching, object_detail_fulfillment, caption_text_quality, semantic_understanding };

// "image_text_matching", ...: the reference's metric names, used as recipe choices.
std::string_view metric_name(Metric metric);
// Throws vlforge::Error for a name that is none of the four.
Metric metric_from_name(std::string_view name);
// The default score column: mlm_itm, mlm_odf, mlm_ctq, mlm_su.
std::string default_score_name(Metric metric);

// The user's turn after the image: the caption, the metric's criteria and the scoring rules.
std::string instruction(Metric metric, std::string_view caption);

// The whole conversation up to the assistant's answer, split where the image goes (so a caption
// that happens to contain "<image>" cannot move the image).
struct PromptText {
  std::string before_image;
  std::string after_image;
};
PromptText prompt_text(Metric metric, std::string_view caption);

}  // namespace vlforge::mlm_filter
