#include "mlm_filter_prompt.hpp"

#include "vlforge/error.hpp"

namespace vlforge::mlm_filter {

namespace {

// LLaVA-Unified's conv_qwen_instruct: system prompt (without a final full stop), ChatML markers,
// and turns joined by <|im_end|> alone.
constexpr std::string_view kSystem = "<|im_start|>system\nYou are a helpful assistant<|im_end|>";
constexpr std::string_view kUser = "<|im_start|>user\n";
constexpr std::string_view kAssistant = "<|im_start|>assistant\n";
constexpr std::string_view kEndOfTurn = "<|im_end|>";

// The instruction template around the caption, the criteria and the aspect.
constexpr std::string_view kCaptionLead = "Text Caption: ";
constexpr std::string_view kAspectLead = " A higher score indicates higher level of ";
constexpr std::string_view kScoringRules =
    ". Ensure that your scoring is nuanced and "
    "uses the entire range from 0 to 100, reflecting the subtle differences. The score should be given as "
    "an integer, with each number between 0 and 100 considered as a potential score, avoiding the tendency "
    "to round to multiples of 5 or 10. Please first output a single line containing the value indicating "
    "the scores. In the subsequent line, please provide a comprehensive explanation of your evaluation, avoiding "
    "any potential bias.";

constexpr std::string_view kImageTextMatching =
    "Please evaluate if the provided text caption accurately represents the main features and objects of "
    "the image. The caption doesn't need to detail every aspect of the image, but it should capture its primary "
    "theme. Rate the overall quality of the text caption's match to the image on a scale of 1-100, considering "
    "the criteria mentioned.";

constexpr std::string_view kObjectDetailFulfillment =
    "Please evaluate the text caption to determine if it provides detailed descriptions of objects that align "
    "with the image. Specifically, assess if the caption sufficiently describes the color, size, position, "
    "shape, material, etc., of the objects. Afterward, rate the caption's overall accuracy in capturing object "
    "details from the image on a scale of 1-100, based on the criteria provided.";

constexpr std::string_view kCaptionTextQuality =
    "Please evaluate the text caption based on the following criteria: Grammatical Correctness, Diversity "
    "of Vocabulary (e.g., the range and uniqueness of words used), Fluency (e.g., smoothness and natural "
    "flow of sentences), Readability, Length, and Structure. Assign an overall quality score on a scale of "
    "1-100.";

constexpr std::string_view kSemanticUnderstanding =
    "Evaluate the given text caption in relation to its corresponding image. Your goal is to determine if "
    "the text caption provides additional semantic information that isn't readily apparent just from the "
    "image itself.\n"
    "\n"
    "For example:\n"
    "\n"
    "1. If the image mentions \"a man\" but the caption elaborates he is a \"homeless man\" or a \"businessman,\" "
    "then the caption is enriching the semantic context.\n"
    "2. If the caption introduces concepts like the mathematical tangent function, which require in-depth "
    "knowledge to deduce, it is imparting external semantics.\n"
    "3. Captions revealing specific location addresses, festival details, or other nuanced data not easy "
    "to infer from the image also provide external semantic information.\n"
    "4. Directly identifying specific entities in the image such as buildings, people, bird species, animal "
    "breeds, car models, engines, etc., in the caption introduces additional insights.\n"
    "5. Should the image act as a contextual backdrop and the caption describes elements not explicitly showcased "
    "in the image, it has semantic depth.\n"
    "6. Lastly, if the caption depicts relationships between the subjects in the image, which need commonsense "
    "knowledge to understand, it should be considered semantically rich.\n"
    "\n"
    "Please assess and determine the extent of semantic enrichment the caption provides over the image. Rate "
    "the text caption's semantic depth on a scale from 1 to 100.";

std::string_view criteria(Metric metric) {
  switch (metric) {
    case Metric::image_text_matching: return kImageTextMatching;
    case Metric::object_detail_fulfillment: return kObjectDetailFulfillment;
    case Metric::caption_text_quality: return kCaptionTextQuality;
    case Metric::semantic_understanding: return kSemanticUnderstanding;
  }
  throw Error("scorer/mlm-filter", "unknown metric");
}

// The reference writes the metric name with spaces: "semantic understanding".
std::string aspect(Metric metric) {
  std::string out(metric_name(metric));
  for (char& c : out)
    if (c == '_') c = ' ';
  return out;
}

}  // namespace

std::string_view metric_name(Metric metric) {
  switch (metric) {
    case Metric::image_text_matching: return "image_text_matching";
    case Metric::object_detail_fulfillment: return "object_detail_fulfillment";
    case Metric::caption_text_quality: return "caption_text_quality";
    case Metric::semantic_understanding: return "semantic_understanding";
  }
  throw Error("scorer/mlm-filter", "unknown metric");
}

Metric metric_from_name(std::string_view name) {
  for (Metric m : {Metric::image_text_matching, Metric::object_detail_fulfillment, Metric::caption_text_quality,
                   Metric::semantic_understanding})
    if (metric_name(m) == name) return m;
  throw Error("scorer/mlm-filter", "unknown metric '" + std::string(name) +
                                       "' (image_text_matching, object_detail_fulfillment, caption_text_quality or "
                                       "semantic_understanding)");
}

std::string default_score_name(Metric metric) {
  switch (metric) {
    case Metric::image_text_matching: return "mlm_itm";
    case Metric::object_detail_fulfillment: return "mlm_odf";
    case Metric::caption_text_quality: return "mlm_ctq";
    case Metric::semantic_understanding: return "mlm_su";
  }
  throw Error("scorer/mlm-filter", "unknown metric");
}

std::string instruction(Metric metric, std::string_view caption) {
  std::string out;
  out.append(kCaptionLead).append(caption).append("\n\n");
  out.append(criteria(metric)).append(kAspectLead).append(aspect(metric)).append(kScoringRules);
  return out;
}

PromptText prompt_text(Metric metric, std::string_view caption) {
  PromptText p;
  p.before_image.append(kSystem).append(kUser);
  // LLaVA puts the image first in the user's turn, on its own line.
  p.after_image.append("\n").append(instruction(metric, caption)).append(kEndOfTurn).append(kAssistant);
  return p;
}

}  // namespace vlforge::mlm_filter
