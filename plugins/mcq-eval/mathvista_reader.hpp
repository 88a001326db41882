// MathVista's testmini.json (or test.json): a list of problems, or an object of them keyed by pid,
// in file order. Each image path is taken relative to `images`.
#pragma once

#include <filesystem>
#include <vector>

#include "mathvista_problem.hpp"

namespace vlforge::mcq_eval {

std::vector<MathVistaProblem> read_mathvista(const std::filesystem::path& file, const std::filesystem::path& images);

}  // namespace vlforge::mcq_eval
