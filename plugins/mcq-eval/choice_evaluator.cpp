#include "choice_evaluator.hpp"

#include <algorithm>
#include <optional>

#include "accuracy_table.hpp"
#include "choice_prompt.hpp"
#include "choice_readers.hpp"
#include "image_references.hpp"
#include "open_answer.hpp"
#include "option_letter.hpp"
#include "predictions_file.hpp"
#include "json_file.hpp"
#include "vlforge/error.hpp"

namespace vlforge::mcq_eval {

ChoiceQuestion rotated(const ChoiceQuestion& q, size_t rotation) {
  ChoiceQuestion r = q;
  const size_t n = q.options.size();
  if (n == 0 || rotation % n == 0) return r;
  for (size_t i = 0; i < n; ++i) r.options[i].text = q.options[(i + rotation) % n].text;
  if (!q.answer.empty())
    for (size_t i = 0; i < n; ++i)
      if (q.options[i].letter == q.answer) r.answer = q.options[(i + n - rotation % n) % n].letter;
  return r;
}

ChoiceEvaluator::ChoiceEvaluator(std::string benchmark, ChoiceFormat format, const ChoiceConfig& cfg)
    : benchmark_(std::move(benchmark)), format_(format), cfg_(cfg), likelihood_(cfg.mode == "likelihood") {
  if (cfg.mode != "generate" && cfg.mode != "likelihood")
    throw Error("evaluator/" + benchmark_, "mode is '" + cfg.mode + "', expected \"generate\" or \"likelihood\"");
}

size_t ChoiceEvaluator::rotations(const ChoiceQuestion& q) const {
  return cfg_.circular && q.options.size() >= 2 ? q.options.size() : 1;
}

std::string ChoiceEvaluator::query_id(const ChoiceQuestion& q, size_t rotation) {
  return rotation == 0 ? q.id : q.id + "#" + std::to_string(rotation);
}

const std::vector<ChoiceQuestion>& ChoiceEvaluator::questions() {
  if (loaded_) return questions_;
  switch (format_) {
    case ChoiceFormat::tsv: questions_ = read_choice_tsv(cfg_.file); break;
    case ChoiceFormat::mmmu: questions_ = read_mmmu_tsv(cfg_.file); break;
    case ChoiceFormat::seed_bench: questions_ = read_seed_bench(cfg_.file, cfg_.images); break;
  }
  if (cfg_.limit > 0 && questions_.size() > static_cast<size_t>(cfg_.limit))
    questions_.resize(static_cast<size_t>(cfg_.limit));
  for (size_t i = 0; i < questions_.size(); ++i)
    for (size_t r = 0; r < rotations(questions_[i]); ++r) {
      const auto [it, fresh] = by_query_id_.emplace(query_id(questions_[i], r), asked_.size());
      if (!fresh) throw Error(questions_[i].where, "index " + questions_[i].id + " appears twice in the file");
      asked_.push_back({i, r});
    }
  loaded_ = true;
  return questions_;
}

std::vector<EvalQuery> ChoiceEvaluator::queries(Context& ctx) {
  questions();
  std::vector<EvalQuery> out;
  out.reserve(asked_.size());
  for (const Asked& a : asked_) {
    const ChoiceQuestion q = rotated(questions_[a.question], a.rotation);
    const std::string text = choice_prompt_text(q.hint, q.question, q.options);
    // Only MMMU places images by "<image k>" references; elsewhere the image precedes the text.
    PlacedImages placed = format_ == ChoiceFormat::mmmu ? place_images(text, q.images, q.where)
                                                        : place_images(std::string(), q.images, q.where);
    if (format_ != ChoiceFormat::mmmu) placed.text += text;
    EvalQuery query{query_id(q, a.rotation), {std::move(placed.images), std::move(placed.text), true, cfg_.max_new_tokens, {}}, {}};
    if (likelihood_)
      for (const ChoiceOption& o : q.options) query.options.push_back(o.letter);
    out.push_back(std::move(query));
  }
  ctx.log().info(benchmark_, ": ", questions_.size(), " questions, ", out.size(), " queries");
  return out;
}

EvalReport ChoiceEvaluator::score(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                                  const std::filesystem::path& out_dir, Context&) {
  questions();
  const std::vector<size_t> asked = match_queries(queries, answers, by_query_id_, benchmark_);
  // Per question, per rotation: right, wrong, or not asked.
  std::vector<std::vector<std::optional<bool>>> results(questions_.size());
  std::vector<bool> answered(questions_.size(), false);
  for (size_t i = 0; i < questions_.size(); ++i) results[i].resize(rotations(questions_[i]));

  PredictionsFile predictions(out_dir);
  for (size_t i = 0; i < asked.size(); ++i) {
    const Asked& a = asked_[asked[i]];
    const ChoiceQuestion q = rotated(questions_[a.question], a.rotation);
    const EvalAnswer& answer = answers[i];
    PredictionLine line{queries[i].id, q.question, Json::object(), answer.text, {}, q.answer, std::nullopt, q.category, Json::object()};
    for (const ChoiceOption& o : q.options) line.options[o.letter] = o.text;
    if (q.options.empty()) {
      line.extracted = normalised_open_answer(answer.text);
      if (!q.answer.empty()) line.correct = open_answer_matches(answer.text, q.answer);
    } else {
      if (likelihood_) {
        if (answer.option_logprobs.size() != q.options.size())
          throw Error(benchmark_, "query \"" + queries[i].id + "\": " + std::to_string(answer.option_logprobs.size()) +
                                      " option log-probabilities for " + std::to_string(q.options.size()) + " options");
        // The first of equal maxima, as argmax does.
        const auto best = std::max_element(answer.option_logprobs.begin(), answer.option_logprobs.end());
        line.extracted = q.options[static_cast<size_t>(best - answer.option_logprobs.begin())].letter;
        line.extra["option_logprobs"] = answer.option_logprobs;
      } else {
        line.extracted = option_letter(answer.text, q.options);
      }
      if (!q.answer.empty()) line.correct = line.extracted == q.answer;
    }
    if (cfg_.circular) line.extra["rotation"] = a.rotation;
    results[a.question][a.rotation] = line.correct.value_or(false);
    answered[a.question] = true;
    predictions.add(line);
  }
  predictions.commit();

  AccuracyTable circular, vanilla;
  int64_t samples = 0, unscored = 0;
  for (size_t i = 0; i < questions_.size(); ++i) {
    if (!answered[i]) continue;
    const ChoiceQuestion& q = questions_[i];
    ++samples;
    if (q.answer.empty()) {
      ++unscored;
      continue;
    }
    bool all_right = true;
    for (size_t r = 0; r < results[i].size(); ++r) {
      if (!results[i][r])
        throw Error(benchmark_, "question " + q.id + ": rotation " + std::to_string(r) +
                                    " was not answered (circular scoring needs every rotation)");
      all_right = all_right && *results[i][r];
    }
    circular.add(q.category, all_right);
    vanilla.add(q.category, *results[i][0]);
  }
  EvalReport report{benchmark_, samples, circular.metrics()};
  if (cfg_.circular && circular.total() > 0)
    report.metrics.insert(report.metrics.begin() + 1, {"accuracy_vanilla", vanilla.accuracy()});
  if (unscored > 0) report.metrics.emplace_back("unscored", static_cast<double>(unscored));
  return report;
}

}  // namespace vlforge::mcq_eval
