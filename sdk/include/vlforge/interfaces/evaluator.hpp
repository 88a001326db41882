// Interface of kind `evaluator`: a benchmark file -> queries for the model, and the model's
// answers -> per-sample predictions and metrics (multiple choice, VQA accuracy, POPE, MathVista,
// few-shot VQA, ...).
//
// An evaluator never runs a model. stage/evaluate asks it for its queries, spreads them over the
// ranks, answers them in batches with the model under test and hands every answer back, in query
// order, to score(). So one evaluator serves any model, and its scoring is tested with answers
// written by hand.
//
//   queries(ctx)  ->  [EvalQuery]  --model-->  [EvalAnswer]  ->  score(...)  ->  EvalReport
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/context.hpp"
#include "vlforge/export.hpp"
#include "vlforge/image_input.hpp"

namespace vlforge {

struct EvalPrompt {
  std::vector<ImageInput> images;  // in the order of the "<image>" markers in `text`
  // The user's message; "<image>" marks where each image goes. With `chat`, it is wrapped in the
  // tokenizer's chat template with a generation prompt; without, it is the raw text the model
  // continues (few-shot prompts for a pre-trained base model).
  std::string text;
  bool chat = true;
  int64_t max_new_tokens = 32;
  std::vector<std::string> stop_strings;  // generation also ends at one of these (not kept in the answer)
};

struct EvalQuery {
  std::string id;  // unique within the evaluator; names the query in predictions and errors
  EvalPrompt prompt;
  // Empty: the model generates an answer greedily. Otherwise the model scores each option as a
  // continuation of the prompt (summed log-probability of its tokens) and generates nothing.
  std::vector<std::string> options;
};

struct EvalAnswer {
  std::string text;                    // the generated answer, without the end-of-turn token
  std::vector<double> option_logprobs; // one per option, when the query had options
};

struct EvalReport {
  std::string benchmark;
  int64_t samples = 0;
  std::vector<std::pair<std::string, double>> metrics;  // e.g. {"accuracy", 0.61}, first is the headline
};

class VLFORGE_API Evaluator : public Component {
 public:
  static constexpr std::string_view kind = "evaluator";
  ~Evaluator() override;

  // Reads the benchmark file (a bad file is an error naming it) and returns every query, in an
  // order that does not depend on the rank.
  virtual std::vector<EvalQuery> queries(Context& ctx) = 0;

  // `answers[i]` answers `queries[i]`. Writes per-sample predictions (predictions.jsonl, one line
  // per sample with what was asked, answered and expected) into `out_dir` and returns the metrics.
  virtual EvalReport score(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                           const std::filesystem::path& out_dir, Context& ctx) = 0;
};

}  // namespace vlforge
