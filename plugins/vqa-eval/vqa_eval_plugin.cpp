// Plugin `vqa-eval`: evaluator/vqa (VQAv2, OK-VQA, TextVQA, VizWiz), evaluator/gqa, evaluator/pope
// and evaluator/few-shot-vqa. Evaluators read benchmark files and score answers; they run no
// model, so the plugin needs no LibTorch.
#include <memory>

#include "few_shot_evaluator.hpp"
#include "pope_evaluator.hpp"
#include "vlforge/context.hpp"
#include "vlforge/plugin.hpp"
#include "vqa_evaluator.hpp"

namespace vlforge::vqa_eval {
namespace {

constexpr const char* kLimitDoc = "ask only the first N questions of the file (0: all)";
constexpr const char* kMaxNewTokensDoc = "longest answer generated, in tokens";
constexpr const char* kSuffixDoc = "appended to \"<image>\\n\" + question (LLaVA's short-answer instruction)";

Schema<VqaConfig> vqa_schema() {
  Schema<VqaConfig> s(
      "Open-ended VQA with VQA accuracy as the official vqaEval.py computes it: answers normalised "
      "(punctuation, number words, articles, contractions), then each question scores the mean over its 10 "
      "annotators of min(1, matches among the other 9 / 3). Prompt \"<image>\\n\" + question + prompt_suffix. "
      "Metrics: accuracy, then per answer type (accuracy/yes/no, accuracy/number, accuracy/other; VizWiz adds "
      "accuracy/unanswerable) and per question type (accuracy/question_type/...). Writes predictions.jsonl.");
  s.field("format", &VqaConfig::format,
          "vqav2 / okvqa: questions + annotations JSON; textvqa: TextVQA_0.5.1_val.json as file; vizwiz: val.json "
          "as file")
      .required()
      .choices({"vqav2", "okvqa", "textvqa", "vizwiz"});
  s.field("questions", &VqaConfig::questions,
          "vqav2 / okvqa: the questions JSON, e.g. v2_OpenEnded_mscoco_val2014_questions.json");
  s.field("annotations", &VqaConfig::annotations,
          "vqav2 / okvqa: the annotations JSON, e.g. v2_mscoco_val2014_annotations.json");
  s.field("file", &VqaConfig::file, "textvqa / vizwiz: the one annotated question file");
  s.field("images", &VqaConfig::images, "the image folder (COCO val2014, TextVQA train_images, VizWiz val)").required();
  s.field("image_pattern", &VqaConfig::image_pattern,
          "image file name from the image id, %s or %d (e.g. %012d); empty: COCO_<data_subtype>_%012d.jpg for "
          "vqav2 / okvqa (data_subtype from the questions file), %s.jpg for textvqa, %s for vizwiz");
  s.field("limit", &VqaConfig::limit, kLimitDoc).min(0);
  s.field("max_new_tokens", &VqaConfig::max_new_tokens, kMaxNewTokensDoc).range(1, 4096);
  s.field("prompt_suffix", &VqaConfig::prompt_suffix, kSuffixDoc);
  return s;
}

Schema<GqaConfig> gqa_schema() {
  Schema<GqaConfig> s(
      "GQA (balanced testdev): exact match of the answer after VQA normalisation (punctuation, number words, "
      "articles, contractions). Prompt \"<image>\\n\" + question + prompt_suffix. Metrics: accuracy, then per "
      "structural type (accuracy/verify, accuracy/query, accuracy/choose, accuracy/logical, accuracy/compare) and "
      "per semantic type (accuracy/semantic/...). Writes predictions.jsonl.");
  s.field("file", &GqaConfig::file, "the questions, e.g. testdev_balanced_questions.json").required();
  s.field("images", &GqaConfig::images, "the GQA image folder (images/<imageId>.jpg)").required();
  s.field("image_pattern", &GqaConfig::image_pattern, "image file name from imageId; empty: %s.jpg");
  s.field("limit", &GqaConfig::limit, kLimitDoc).min(0);
  s.field("max_new_tokens", &GqaConfig::max_new_tokens, kMaxNewTokensDoc).range(1, 4096);
  s.field("prompt_suffix", &GqaConfig::prompt_suffix, kSuffixDoc);
  return s;
}

Schema<PopeConfig> pope_schema() {
  Schema<PopeConfig> s(
      "POPE object hallucination: yes/no questions, an answer counting as \"no\" when its first sentence has the "
      "word No, no or not (LLaVA's eval_pope.py). Metrics per question file (positive = yes): f1, accuracy, "
      "precision, recall, yes_ratio; with several files each is reported as CATEGORY/metric (random/f1, ...) and "
      "the headline metrics are their means. Writes predictions.jsonl.");
  s.field("file", &PopeConfig::file,
          "the question files (JSON lines), e.g. [\"coco_pope_random.json\"] or the random, popular and adversarial "
          "splits, each scored on its own")
      .required();
  s.field("images", &PopeConfig::images, "the COCO val2014 image folder").required();
  s.field("limit", &PopeConfig::limit, "ask only the first N questions of each file (0: all)").min(0);
  s.field("max_new_tokens", &PopeConfig::max_new_tokens, kMaxNewTokensDoc).range(1, 4096);
  s.field("prompt_suffix", &PopeConfig::prompt_suffix, kSuffixDoc);
  return s;
}

Schema<FewShotConfig> few_shot_schema() {
  Schema<FewShotConfig> s(
      "In-context few-shot VQA for a pre-trained base model: each question is asked once per seed as raw text, "
      "\"<image>Question: Q1 Short answer: A1\\n...<image>Question: Q Short answer:\", after `shots` "
      "demonstrations (their most common answer) drawn from the support set with std::mt19937_64 seeded with the "
      "seed, never the question itself; generation stops at a newline. Scored with the format's metric. Metrics: "
      "accuracy (mean over seeds), accuracy/std (population standard deviation), accuracy/seedS. Writes "
      "predictions.jsonl.");
  s.field("format", &FewShotConfig::format, "the benchmark's format; its files as for evaluator/vqa and evaluator/gqa")
      .required()
      .choices({"vqav2", "okvqa", "textvqa", "vizwiz", "gqa"});
  s.field("questions", &FewShotConfig::questions, "vqav2 / okvqa: the questions JSON");
  s.field("annotations", &FewShotConfig::annotations, "vqav2 / okvqa: the annotations JSON");
  s.field("file", &FewShotConfig::file, "textvqa / vizwiz / gqa: the one question file");
  s.field("images", &FewShotConfig::images, "the image folder").required();
  s.field("image_pattern", &FewShotConfig::image_pattern, "image file name from the image id; empty: the format's");
  s.field("support_questions", &FewShotConfig::support_questions,
          "vqav2 / okvqa: the support set's questions JSON (e.g. the train split's); no support_* key: "
          "demonstrations come from the evaluated file itself");
  s.field("support_annotations", &FewShotConfig::support_annotations, "vqav2 / okvqa: the support set's annotations");
  s.field("support_file", &FewShotConfig::support_file, "textvqa / vizwiz / gqa: the support set's file");
  s.field("support_images", &FewShotConfig::support_images, "the support set's image folder; empty: images");
  s.field("support_image_pattern", &FewShotConfig::support_image_pattern,
          "the support set's image file names; empty: the format's");
  s.field("shots", &FewShotConfig::shots, "demonstrations before each question (0: zero-shot, one run)").range(0, 64);
  s.field("seeds", &FewShotConfig::seeds, "one run per seed, each with its own demonstrations").min(0);
  s.field("limit", &FewShotConfig::limit, kLimitDoc).min(0);
  s.field("max_new_tokens", &FewShotConfig::max_new_tokens, kMaxNewTokensDoc).range(1, 4096);
  return s;
}

void register_components(Registrar& r) {
  r.add<Evaluator>("vqa", vqa_schema(),
                   [](const VqaConfig& cfg, Context&) { return std::make_unique<VqaEvaluator>(cfg); });
  r.add<Evaluator>("gqa", gqa_schema(),
                   [](const GqaConfig& cfg, Context&) { return std::make_unique<VqaEvaluator>(cfg); });
  r.add<Evaluator>("pope", pope_schema(),
                   [](const PopeConfig& cfg, Context&) { return std::make_unique<PopeEvaluator>(cfg); });
  r.add<Evaluator>("few-shot-vqa", few_shot_schema(),
                   [](const FewShotConfig& cfg, Context&) { return std::make_unique<FewShotEvaluator>(cfg); });
}

}  // namespace
}  // namespace vlforge::vqa_eval

VLFORGE_PLUGIN(vlforge::vqa_eval::register_components)
