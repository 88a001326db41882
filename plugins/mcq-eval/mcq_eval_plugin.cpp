// Plugin `mcq-eval`: evaluator/mmbench, mmstar, ai2d, seed-bench, mmmu (multiple choice) and
// evaluator/mathvista. Evaluators read benchmark files and score answers; they run no model, so
// the plugin needs no LibTorch.
#include <memory>
#include <string>

#include "choice_evaluator.hpp"
#include "mathvista_evaluator.hpp"
#include "vlforge/context.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::mcq_eval {
namespace {

constexpr const char* kLimitDoc = "ask only the first N questions of the file (0: all)";
constexpr const char* kMaxNewTokensDoc = "longest answer generated, in tokens";
constexpr const char* kModeDoc =
    "generate: the model writes an answer and its option letter is read from it (VLMEvalKit's can_infer); "
    "likelihood: the model scores each option letter as the answer's continuation and the most likely wins";
constexpr const char* kCircularDoc =
    "ask a question of n options n times, the options rotated by 0..n-1 positions; it counts as right only when "
    "every rotation is (CircularEval); reports accuracy (circular) and accuracy_vanilla (rotation 0 only)";
constexpr const char* kPrompt =
    "Prompt (LLaVA's): \"<image>\\n\" + hint line + question + \"\\nA. ...\\nB. ...\" + \"\\nAnswer with the "
    "option's letter from the given choices directly.\".";

Schema<ChoiceConfig> tsv_schema(const std::string& benchmark, const std::string& example) {
  Schema<ChoiceConfig> s(
      benchmark + " multiple choice from VLMEvalKit's TSV (" + example +
      "): columns index, question, hint, A, B, C, D (E, ... when present), answer, category, image (base64). " +
      kPrompt +
      " Metrics: accuracy, then accuracy/<category>; rows without an answer (test split) are written to "
      "predictions.jsonl and counted as unscored. Writes predictions.jsonl.");
  s.field("file", &ChoiceConfig::file, "the benchmark TSV, e.g. " + example).required();
  s.field("mode", &ChoiceConfig::mode, kModeDoc).choices({"generate", "likelihood"});
  s.field("circular", &ChoiceConfig::circular, kCircularDoc);
  s.field("max_new_tokens", &ChoiceConfig::max_new_tokens, kMaxNewTokensDoc).range(1, 4096);
  s.field("limit", &ChoiceConfig::limit, kLimitDoc).min(0);
  return s;
}

Schema<ChoiceConfig> seed_bench_schema() {
  Schema<ChoiceConfig> s(
      "SEED-Bench (image questions) from the original SEED-Bench.json: `questions` (question_id, question, "
      "choice_a..choice_d, answer, data_id, data_type, question_type_id) and `question_type` (name -> id); video "
      "questions are skipped. " +
      std::string(kPrompt) + " Metrics: accuracy, then accuracy/<question type name>. Writes predictions.jsonl.");
  s.field("file", &ChoiceConfig::file, "SEED-Bench.json").required();
  s.field("images", &ChoiceConfig::images, "the image folder holding each question's data_id (SEED-Bench-image)")
      .required();
  s.field("mode", &ChoiceConfig::mode, kModeDoc).choices({"generate", "likelihood"});
  s.field("circular", &ChoiceConfig::circular, kCircularDoc);
  s.field("max_new_tokens", &ChoiceConfig::max_new_tokens, kMaxNewTokensDoc).range(1, 4096);
  s.field("limit", &ChoiceConfig::limit, kLimitDoc).min(0);
  return s;
}

Schema<ChoiceConfig> mmmu_schema() {
  Schema<ChoiceConfig> s(
      "MMMU from VLMEvalKit's MMMU_DEV_VAL.tsv: index, question (with <image k> references), options A..I, "
      "answer, question_type (multiple-choice / open), category, image (base64, or a JSON list of base64 for "
      "several). Each <image k> becomes an <image> marker with image k there (all images first when the text has "
      "no reference). Multiple-choice questions use LLaVA's letter prompt; open ones end \"\\nAnswer the question "
      "using a single word or phrase.\" and are right when a number in the answer equals the expected number "
      "(2 decimals) or the answer contains the expected text (ignoring case). Metrics: accuracy, then "
      "accuracy/<category>. Writes predictions.jsonl.");
  s.field("file", &ChoiceConfig::file, "MMMU_DEV_VAL.tsv").required();
  s.field("mode", &ChoiceConfig::mode, std::string(kModeDoc) + " (open questions are always generated)")
      .choices({"generate", "likelihood"});
  s.field("circular", &ChoiceConfig::circular, kCircularDoc);
  s.field("max_new_tokens", &ChoiceConfig::max_new_tokens, kMaxNewTokensDoc).range(1, 4096);
  s.field("limit", &ChoiceConfig::limit, kLimitDoc).min(0);
  return s;
}

Schema<MathVistaConfig> mathvista_schema() {
  Schema<MathVistaConfig> s(
      "MathVista (testmini) from its JSON: a list, or an object keyed by pid, of problems with pid, question, "
      "image, choices, unit, precision, answer, question_type (multi_choice / free_form), answer_type (integer / "
      "float / text / list), query and metadata. Prompt \"<image>\\n\" + query. The answer is read by type "
      "(multi_choice: the chosen option by letter or text; integer: the last integer; float: the last number "
      "rounded to precision; list: the numbers in the last [...]; text: trimmed) and compared without unit or "
      "thousands separators, numbers by value. Metrics: accuracy, then accuracy/<task>. Writes predictions.jsonl.");
  s.field("file", &MathVistaConfig::file, "testmini.json").required();
  s.field("images", &MathVistaConfig::images,
          "the folder the problems' image paths (images/1.jpg) are relative to; empty: the file's folder");
  s.field("max_new_tokens", &MathVistaConfig::max_new_tokens, kMaxNewTokensDoc).range(1, 8192);
  s.field("limit", &MathVistaConfig::limit, kLimitDoc).min(0);
  return s;
}

void add_tsv(Registrar& r, const std::string& name, const std::string& benchmark, const std::string& example) {
  r.add<Evaluator>(name, tsv_schema(benchmark, example), [name](const ChoiceConfig& cfg, Context&) {
    return std::make_unique<ChoiceEvaluator>(name, ChoiceFormat::tsv, cfg);
  });
}

void register_components(Registrar& r) {
  add_tsv(r, "mmbench", "MMBench", "MMBench_DEV_EN.tsv");
  add_tsv(r, "mmstar", "MMStar", "MMStar.tsv");
  add_tsv(r, "ai2d", "AI2D", "AI2D_TEST.tsv");
  r.add<Evaluator>("seed-bench", seed_bench_schema(), [](const ChoiceConfig& cfg, Context&) {
    return std::make_unique<ChoiceEvaluator>("seed-bench", ChoiceFormat::seed_bench, cfg);
  });
  r.add<Evaluator>("mmmu", mmmu_schema(), [](const ChoiceConfig& cfg, Context&) {
    return std::make_unique<ChoiceEvaluator>("mmmu", ChoiceFormat::mmmu, cfg);
  });
  r.add<Evaluator>("mathvista", mathvista_schema(),
                   [](const MathVistaConfig& cfg, Context&) { return std::make_unique<MathVistaEvaluator>(cfg); });
}

}  // namespace
}  // namespace vlforge::mcq_eval

VLFORGE_PLUGIN(vlforge::mcq_eval::register_components)
