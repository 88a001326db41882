#include "pope_evaluator.hpp"

#include <algorithm>
#include <set>

#include "pope_answer.hpp"
#include "predictions_file.hpp"
#include "json_file.hpp"
#include "vlforge/error.hpp"

namespace vlforge::vqa_eval {

PopeEvaluator::PopeEvaluator(const PopeConfig& cfg)
    : images_(cfg.images), limit_(cfg.limit), prompt_{cfg.max_new_tokens, cfg.prompt_suffix} {
  // Relative names resolve against the working directory, as a recipe's path keys do.
  for (const std::string& f : cfg.file) files_.emplace_back(std::filesystem::absolute(f).lexically_normal());
  if (files_.empty())
    throw Error("evaluator/pope", "file is empty: name one question file or several, e.g. [\"coco_pope_random.json\", "
                                  "\"coco_pope_popular.json\", \"coco_pope_adversarial.json\"]");
  std::set<std::string> categories;
  for (const auto& f : files_)
    if (!categories.insert(pope_category(f)).second)
      throw Error("evaluator/pope", "two question files are both named \"" + pope_category(f) +
                                        "\" (their results would share a name): " + f.string());
  if (images_.empty()) throw Error("evaluator/pope", "images (the COCO val2014 image folder) is not set");
}

const std::vector<PopeEvaluator::Split>& PopeEvaluator::splits() {
  if (!loaded_) {
    if (!std::filesystem::is_directory(images_))
      throw Error(images_.string(), "is not a folder (the images of the POPE questions)");
    for (const auto& f : files_) {
      Split split{pope_category(f), read_pope_questions(f, images_)};
      if (limit_ > 0 && split.questions.size() > static_cast<size_t>(limit_))
        split.questions.resize(static_cast<size_t>(limit_));
      stride_ = std::max(stride_, split.questions.size());
      splits_.push_back(std::move(split));
    }
    for (size_t s = 0; s < splits_.size(); ++s)
      for (size_t q = 0; q < splits_[s].questions.size(); ++q)
        if (!by_id_.emplace(splits_[s].questions[q].id, s * stride_ + q).second)
          throw Error(files_[s].string(), "question_id " + splits_[s].questions[q].id + " appears twice");
    loaded_ = true;
  }
  return splits_;
}

std::vector<EvalQuery> PopeEvaluator::queries(Context& ctx) {
  std::vector<EvalQuery> out;
  for (const Split& split : splits()) {
    for (const PopeQuestion& q : split.questions) out.push_back({q.id, short_answer_prompt(q.text, q.image, prompt_), {}});
    ctx.log().info("pope ", split.category, ": ", split.questions.size(), " questions");
  }
  return out;
}

EvalReport PopeEvaluator::score(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                                const std::filesystem::path& out_dir, Context&) {
  splits();
  const std::vector<size_t> asked = match_queries(queries, answers, by_id_, "pope");
  std::vector<PopeCounts> counts(splits_.size());
  PredictionsFile predictions(out_dir);
  for (size_t i = 0; i < asked.size(); ++i) {
    const size_t s = asked[i] / stride_;
    const PopeQuestion& q = splits_[s].questions[asked[i] % stride_];
    const bool yes = pope_says_yes(answers[i].text);
    counts[s].add(yes, q.label_yes);
    const std::string label = q.label_yes ? "yes" : "no";
    PredictionLine line{q.question_id, q.text, answers[i].text, yes ? "yes" : "no", {label}, yes == q.label_yes ? 1.0 : 0.0};
    line.extra["category"] = splits_[s].category;
    predictions.add(line);
  }
  predictions.commit();

  // The headline averages the splits that were asked, as LLaVA reports POPE (mean F1 over the
  // random, popular and adversarial splits).
  std::vector<std::vector<std::pair<std::string, double>>> per_split;
  for (size_t s = 0; s < splits_.size(); ++s)
    if (counts[s].total() > 0) per_split.push_back(counts[s].metrics(splits_[s].category + "/"));
  EvalReport report{"pope", static_cast<int64_t>(asked.size()), PopeCounts{}.metrics()};
  for (size_t m = 0; m < report.metrics.size(); ++m) {
    double sum = 0.0;
    for (const auto& metrics : per_split) sum += metrics[m].second;
    report.metrics[m].second = per_split.empty() ? 0.0 : sum / static_cast<double>(per_split.size());
  }
  if (splits_.size() > 1)
    for (const auto& metrics : per_split) report.metrics.insert(report.metrics.end(), metrics.begin(), metrics.end());
  return report;
}

}  // namespace vlforge::vqa_eval
