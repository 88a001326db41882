#include "few_shot_evaluator.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "demonstration_sampler.hpp"
#include "few_shot_prompt.hpp"
#include "predictions_file.hpp"
#include "json_file.hpp"
#include "vlforge/error.hpp"
#include "vqa_scorer.hpp"

namespace vlforge::vqa_eval {

namespace {

constexpr const char* kWhere = "evaluator/few-shot-vqa";

}  // namespace

FewShotEvaluator::FewShotEvaluator(const FewShotConfig& cfg)
    : source_{parse_benchmark_format(cfg.format), cfg.questions, cfg.annotations, cfg.file, cfg.images,
              cfg.image_pattern},
      support_source_{source_.format,      cfg.support_questions, cfg.support_annotations,
                      cfg.support_file,    cfg.support_images,    cfg.support_image_pattern},
      shots_(static_cast<size_t>(cfg.shots)),
      limit_(cfg.limit),
      max_new_tokens_(cfg.max_new_tokens) {
  check_benchmark_source(source_, kWhere);
  has_own_support_ = !cfg.support_questions.empty() || !cfg.support_annotations.empty() ||
                     !cfg.support_file.empty() || !cfg.support_images.empty();
  if (has_own_support_) {
    if (support_source_.images.empty()) support_source_.images = source_.images;
    check_benchmark_source(support_source_, kWhere, "support_");
  }
  if (shots_ > 0 && cfg.seeds.empty()) throw Error(kWhere, "seeds is empty (give at least one seed, e.g. [0, 1, 2, 3, 4])");
  for (const int64_t s : cfg.seeds) {
    if (std::find(seeds_.begin(), seeds_.end(), static_cast<uint64_t>(s)) != seeds_.end())
      throw Error(kWhere, "seed " + std::to_string(s) + " is listed twice in seeds");
    seeds_.push_back(static_cast<uint64_t>(s));
  }
}

std::string FewShotEvaluator::query_id(size_t run, const VqaSample& sample) const {
  return shots_ == 0 ? sample.id : "seed" + std::to_string(seeds_[run]) + "/" + sample.id;
}

void FewShotEvaluator::load() {
  if (loaded_) return;
  evaluated_ = read_benchmark(source_);
  asked_ = evaluated_.size();
  if (limit_ > 0) asked_ = std::min(asked_, static_cast<size_t>(limit_));
  if (has_own_support_) support_ = read_benchmark(support_source_);
  for (size_t run = 0; run < runs(); ++run)
    for (size_t i = 0; i < asked_; ++i) by_query_id_.emplace(query_id(run, evaluated_[i]), run * asked_ + i);
  loaded_ = true;
}

std::vector<EvalQuery> FewShotEvaluator::queries(Context& ctx) {
  load();
  const std::vector<VqaSample>& pool = support();
  std::unordered_map<std::string, size_t> pool_index;
  for (size_t i = 0; i < pool.size(); ++i) pool_index.emplace(pool[i].id, i);

  std::vector<EvalQuery> out;
  out.reserve(runs() * asked_);
  for (size_t run = 0; run < runs(); ++run) {
    DemonstrationSampler sampler(shots_ == 0 ? 0 : seeds_[run], pool.size());
    for (size_t i = 0; i < asked_; ++i) {
      const VqaSample& q = evaluated_[i];
      // The question never demonstrates its own answer.
      std::optional<size_t> self;
      if (const auto it = pool_index.find(q.id); it != pool_index.end()) self = it->second;
      const size_t available = pool.size() - (self ? 1 : 0);
      if (available < shots_)
        throw Error(kWhere, "the support set has " + std::to_string(available) + " questions besides question " + q.id +
                                ", fewer than shots = " + std::to_string(shots_));
      std::vector<const VqaSample*> demonstrations;
      for (const size_t d : sampler.draw(shots_, self)) demonstrations.push_back(&pool[d]);
      out.push_back({query_id(run, q), few_shot_prompt(demonstrations, q, max_new_tokens_), {}});
    }
  }
  ctx.log().info(format_name(source_.format), " ", shots_, "-shot: ", asked_, " questions x ", runs(), " seeds");
  return out;
}

EvalReport FewShotEvaluator::score(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                                   const std::filesystem::path& out_dir, Context&) {
  load();
  const std::string benchmark = std::string(format_name(source_.format)) + "-" + std::to_string(shots_) + "shot";
  const std::vector<size_t> asked = match_queries(queries, answers, by_query_id_, benchmark);
  const AnswerMetric metric = answer_metric(source_.format);
  std::vector<double> sum(runs(), 0.0);
  std::vector<size_t> count(runs(), 0);
  PredictionsFile predictions(out_dir);
  for (size_t i = 0; i < asked.size(); ++i) {
    const size_t run = asked[i] / asked_;
    const VqaSample& s = evaluated_[asked[i] % asked_];
    const ScoredAnswer scored = score_answer(metric, s, answers[i].text);
    sum[run] += scored.score;
    ++count[run];
    PredictionLine line{s.question_id, s.question, answers[i].text, scored.normalised, s.answers, scored.score};
    if (shots_ > 0) line.extra["seed"] = seeds_[run];
    predictions.add(line);
  }
  predictions.commit();

  // Mean and population standard deviation (numpy's default) of the seeds' accuracies.
  std::vector<std::pair<std::string, double>> per_seed;
  double mean = 0.0;
  for (size_t run = 0; run < runs(); ++run) {
    if (count[run] == 0) continue;
    const double accuracy = sum[run] / static_cast<double>(count[run]);
    if (shots_ > 0) per_seed.emplace_back("accuracy/seed" + std::to_string(seeds_[run]), accuracy);
    else per_seed.emplace_back("accuracy", accuracy);
    mean += accuracy;
  }
  if (!per_seed.empty()) mean /= static_cast<double>(per_seed.size());
  double variance = 0.0;
  for (const auto& [name, accuracy] : per_seed) variance += (accuracy - mean) * (accuracy - mean);
  if (!per_seed.empty()) variance /= static_cast<double>(per_seed.size());

  EvalReport report{benchmark, static_cast<int64_t>(asked.size()), {{"accuracy", mean}}};
  if (shots_ > 0) {
    report.metrics.emplace_back("accuracy/std", std::sqrt(variance));
    report.metrics.insert(report.metrics.end(), per_seed.begin(), per_seed.end());
  }
  return report;
}

}  // namespace vlforge::vqa_eval
