#include "vqa_evaluator.hpp"

#include "predictions_file.hpp"
#include "json_file.hpp"
#include "vqa_scorer.hpp"

namespace vlforge::vqa_eval {

VqaEvaluator::VqaEvaluator(const VqaConfig& cfg)
    : source_{parse_benchmark_format(cfg.format), cfg.questions, cfg.annotations, cfg.file, cfg.images,
              cfg.image_pattern},
      limit_(cfg.limit),
      prompt_{cfg.max_new_tokens, cfg.prompt_suffix} {
  check_benchmark_source(source_, "evaluator/vqa");
}

VqaEvaluator::VqaEvaluator(const GqaConfig& cfg)
    : source_{BenchmarkFormat::gqa, {}, {}, cfg.file, cfg.images, cfg.image_pattern},
      limit_(cfg.limit),
      prompt_{cfg.max_new_tokens, cfg.prompt_suffix} {
  check_benchmark_source(source_, "evaluator/gqa");
}

const std::vector<VqaSample>& VqaEvaluator::samples() {
  if (!loaded_) {
    samples_ = read_benchmark(source_);
    if (limit_ > 0 && samples_.size() > static_cast<size_t>(limit_)) samples_.resize(static_cast<size_t>(limit_));
    for (size_t i = 0; i < samples_.size(); ++i) by_id_.emplace(samples_[i].id, i);
    loaded_ = true;
  }
  return samples_;
}

std::vector<EvalQuery> VqaEvaluator::queries(Context& ctx) {
  std::vector<EvalQuery> out;
  for (const VqaSample& s : samples()) out.push_back({s.id, short_answer_prompt(s.question, s.image, prompt_), {}});
  ctx.log().info(format_name(source_.format), ": ", out.size(), " questions");
  return out;
}

EvalReport VqaEvaluator::score(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                               const std::filesystem::path& out_dir, Context&) {
  const std::string benchmark(format_name(source_.format));
  samples();
  const std::vector<size_t> asked = match_queries(queries, answers, by_id_, benchmark);
  const AnswerMetric metric = answer_metric(source_.format);
  AccuracyTable table;
  PredictionsFile predictions(out_dir);
  for (size_t i = 0; i < asked.size(); ++i) {
    const VqaSample& s = samples_[asked[i]];
    const ScoredAnswer scored = score_answer(metric, s, answers[i].text);
    table.add(s, scored.score);
    PredictionLine line{s.question_id, s.question, answers[i].text, scored.normalised, s.answers, scored.score};
    for (const auto& [key, value] : s.types) line.extra[key] = value;
    predictions.add(line);
  }
  predictions.commit();
  return {benchmark, static_cast<int64_t>(asked.size()), table.metrics()};
}

}  // namespace vlforge::vqa_eval
