// Interface of kind `evaluator`: a benchmark file -> per-sample predictions and metrics
// (multiple choice, VQA accuracy, POPE, MathVista, few-shot VQA).
//
// Evaluators talk to the model through Assistant, so one evaluator serves any model.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/context.hpp"
#include "vlforge/export.hpp"

namespace vlforge {

struct Prompt {
  std::vector<std::vector<uint8_t>> images;  // encoded images, in the order they appear
  std::string text;                          // user text; "<image>" marks where each image goes
  int64_t max_new_tokens = 32;
};

class VLFORGE_API Assistant {
 public:
  virtual ~Assistant();
  // Greedy answers, one per prompt.
  virtual std::vector<std::string> generate(std::span<const Prompt> prompts) = 0;
  // Log-probabilities of each candidate continuation (e.g. option letters) after the prompt.
  virtual std::vector<double> score_options(const Prompt& prompt, std::span<const std::string> options) = 0;
};

struct EvalReport {
  std::string benchmark;
  int64_t samples = 0;
  std::vector<std::pair<std::string, double>> metrics;  // e.g. {"accuracy", 0.61}
};

class VLFORGE_API Evaluator : public Component {
 public:
  static constexpr std::string_view kind = "evaluator";
  ~Evaluator() override;

  // Writes predictions under ctx.work_dir() and returns the metrics.
  virtual EvalReport evaluate(Assistant& model, Context& ctx) = 0;
};

}  // namespace vlforge
