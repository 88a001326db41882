// The benchmark-files library's JSON reading (benchmark_json.hpp), in this plugin's namespace.
#pragma once

#include "benchmark_json.hpp"
#include "predictions_writer.hpp"
#include "query_matching.hpp"

namespace vlforge::mcq_eval {

using namespace vlforge::benchmark_files;

}  // namespace vlforge::mcq_eval
