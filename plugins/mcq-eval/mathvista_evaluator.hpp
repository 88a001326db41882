// evaluator/mathvista: each problem asked as "<image>\n" + its query, the answer extracted by the
// problem's type and compared without units (mathvista_answer.hpp). Metrics: accuracy, then per
// task ("accuracy/<task>").
#pragma once

#include <cstdint>
#include <filesystem>
#include <unordered_map>
#include <vector>

#include "mathvista_problem.hpp"
#include "vlforge/interfaces/evaluator.hpp"

namespace vlforge::mcq_eval {

struct MathVistaConfig {
  std::filesystem::path file;
  std::filesystem::path images;  // empty: the file's folder
  int64_t max_new_tokens = 512;
  int64_t limit = 0;
};

class MathVistaEvaluator final : public Evaluator {
 public:
  explicit MathVistaEvaluator(const MathVistaConfig& cfg) : cfg_(cfg) {}

  std::vector<EvalQuery> queries(Context& ctx) override;
  EvalReport score(std::span<const EvalQuery> queries, std::span<const EvalAnswer> answers,
                   const std::filesystem::path& out_dir, Context& ctx) override;

 private:
  const std::vector<MathVistaProblem>& problems();

  MathVistaConfig cfg_;
  std::vector<MathVistaProblem> problems_;
  std::unordered_map<std::string, size_t> by_pid_;
  bool loaded_ = false;
};

}  // namespace vlforge::mcq_eval
