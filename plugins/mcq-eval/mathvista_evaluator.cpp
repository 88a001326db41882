#include "mathvista_evaluator.hpp"

#include "accuracy_table.hpp"
#include "mathvista_answer.hpp"
#include "mathvista_reader.hpp"
#include "predictions_file.hpp"
#include "json_file.hpp"
#include "vlforge/error.hpp"

namespace vlforge::mcq_eval {

const std::vector<MathVistaProblem>& MathVistaEvaluator::problems() {
  if (loaded_) return problems_;
  const std::filesystem::path images = cfg_.images.empty() ? cfg_.file.parent_path() : cfg_.images;
  problems_ = read_mathvista(cfg_.file, images);
  if (cfg_.limit > 0 && problems_.size() > static_cast<size_t>(cfg_.limit)) problems_.resize(static_cast<size_t>(cfg_.limit));
  for (size_t i = 0; i < problems_.size(); ++i)
    if (!by_pid_.emplace(problems_[i].pid, i).second)
      throw Error(problems_[i].where, "pid " + problems_[i].pid + " appears twice in the file");
  loaded_ = true;
  return problems_;
}

std::vector<EvalQuery> MathVistaEvaluator::queries(Context& ctx) {
  std::vector<EvalQuery> out;
  for (const MathVistaProblem& p : problems())
    out.push_back({p.pid, {{p.image}, "<image>\n" + p.query, true, cfg_.max_new_tokens, {}}, {}});
  ctx.log().info("mathvista: ", out.size(), " problems");
  return out;
}

EvalReport MathVistaEvaluator::score(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                                     const std::filesystem::path& out_dir, Context&) {
  problems();
  const std::vector<size_t> asked = match_queries(queries, answers, by_pid_, "mathvista");
  AccuracyTable table;
  PredictionsFile predictions(out_dir);
  for (size_t i = 0; i < asked.size(); ++i) {
    const MathVistaProblem& p = problems_[asked[i]];
    const std::string extracted = extract_mathvista_answer(p, answers[i].text);
    const bool correct = mathvista_answer_correct(p, extracted);
    table.add(p.task, correct);
    PredictionLine line{p.pid, p.question, p.choices.empty() ? Json(nullptr) : Json(p.choices), answers[i].text,
                        extracted, p.answer, correct, p.task, Json::object()};
    line.extra["question_type"] = p.question_type;
    line.extra["answer_type"] = p.answer_type;
    if (!p.unit.empty()) line.extra["unit"] = p.unit;
    if (!p.category.empty()) line.extra["problem_category"] = p.category;
    predictions.add(line);
  }
  predictions.commit();
  return {"mathvista", static_cast<int64_t>(asked.size()), table.metrics()};
}

}  // namespace vlforge::mcq_eval
