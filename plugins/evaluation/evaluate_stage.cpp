#include "evaluate_stage.hpp"

#include <filesystem>
#include <map>

#include "answer_log.hpp"
#include "query_answering.hpp"
#include "results_table.hpp"
#include "vlforge/atomic_file.hpp"
#include "vlforge/error.hpp"

namespace vlforge::evaluation {

namespace fs = std::filesystem;

namespace {

// One folder per evaluator, named after it: "mmbench", and "vqa", "vqa-2" for a second one.
std::vector<std::string> folder_names(const std::vector<ComponentSpec>& evaluators) {
  std::map<std::string, int> seen;
  std::vector<std::string> out;
  for (const auto& spec : evaluators) {
    const int n = ++seen[spec.name];
    out.push_back(n == 1 ? spec.name : spec.name + "-" + std::to_string(n));
  }
  return out;
}

// Every answer any rank's log holds (a resumed run may have had another number of ranks).
std::map<size_t, EvalAnswer> logged_answers(const fs::path& dir) {
  std::map<size_t, EvalAnswer> all;
  if (!fs::is_directory(dir)) return all;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("answers.rank-") && name.ends_with(".jsonl"))
      for (auto& [i, a] : AnswerLog::read(entry.path())) all[i] = std::move(a);
  }
  return all;
}

EvalReport evaluate_one(Evaluator& evaluator, const std::string& name, const fs::path& dir, Assistant& assistant,
                        size_t batch, Context& ctx) {
  const std::vector<EvalQuery> queries = evaluator.queries(ctx);
  if (queries.empty()) throw Error("evaluator '" + name + "'", "has no queries (an empty benchmark file?)");
  fs::create_directories(dir);

  const std::map<size_t, EvalAnswer> earlier = logged_answers(dir);
  std::vector<size_t> mine;
  for (size_t i = static_cast<size_t>(ctx.rank()); i < queries.size(); i += static_cast<size_t>(ctx.world_size()))
    if (!earlier.count(i)) mine.push_back(i);
  if (!earlier.empty()) ctx.log().info(name, ": ", earlier.size(), " of ", queries.size(), " queries answered earlier");
  {
    AnswerLog log(dir / ("answers.rank-" + std::to_string(ctx.rank()) + ".jsonl"));
    Progress progress = ctx.progress("eval " + name, static_cast<int64_t>(mine.size()), "queries");
    answer_queries(assistant, queries, mine, batch, log, progress);
    progress.finish();
  }
  ctx.sync().barrier("answered " + name);

  EvalReport report;
  if (ctx.is_main_rank()) {
    std::map<size_t, EvalAnswer> all = logged_answers(dir);
    std::vector<EvalAnswer> answers;
    answers.reserve(queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
      auto it = all.find(i);
      if (it == all.end()) throw Error(dir.string(), "query '" + queries[i].id + "' has no answer from any rank");
      answers.push_back(std::move(it->second));
    }
    report = evaluator.score(queries, answers, dir, ctx);
    write_file_atomically(dir / "metrics.json", report_json(report));
  }
  ctx.sync().barrier("scored " + name);
  return report;
}

}  // namespace

Schema<EvaluateStageConfig> evaluate_stage_schema() {
  Schema<EvaluateStageConfig> s(
      "Evaluates a trained model on benchmarks: each evaluator's queries are spread over the ranks and answered "
      "in batches, rank 0 scores them. Writes per-sample predictions and metrics per evaluator, and results.json "
      "/ results.md with one row per benchmark. An interrupted run resumes from the answers it logged.");
  add_assistant_fields(s);
  s.field("evaluators", &EvaluateStageConfig::evaluators, "the benchmarks, each an evaluator component")
      .kind("evaluator")
      .required();
  s.field("batch_size", &EvaluateStageConfig::batch_size, "prompts generated together in shared decoding steps").min(1);
  return s;
}

void EvaluateStage::run(Context& ctx) {
  if (cfg_.evaluators.empty()) throw Error("stage '" + ctx.stage() + "'", "`evaluators` is empty");
  const std::unique_ptr<Assistant> assistant = Assistant::load(cfg_, ctx);
  const std::vector<std::string> folders = folder_names(cfg_.evaluators);
  std::vector<BenchmarkResult> results;
  for (size_t e = 0; e < cfg_.evaluators.size(); ++e) {
    const auto evaluator = ctx.create<Evaluator>(cfg_.evaluators[e]);
    EvalReport report = evaluate_one(*evaluator, folders[e], ctx.work_dir() / folders[e], *assistant,
                                     static_cast<size_t>(cfg_.batch_size), ctx);
    results.push_back({folders[e], std::move(report)});
  }
  if (ctx.is_main_rank()) {
    write_results(ctx.work_dir(), cfg_.model, results);
    ctx.log().info("results of ", cfg_.model, " (", (ctx.work_dir() / "results.md").string(), "):\n",
                   results_table(results));
  }
}

}  // namespace vlforge::evaluation
