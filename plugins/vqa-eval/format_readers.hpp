// One reader per benchmark format, each reading the files as the benchmark publishes them. They
// return the questions in file order; read_benchmark() (benchmark_source.hpp) picks the reader.
#pragma once

#include <vector>

#include "benchmark_source.hpp"
#include "vqa_sample.hpp"

namespace vlforge::vqa_eval {

// VQAv2 and OK-VQA: questions JSON {"questions": [{"image_id", "question", "question_id"}]} and
// annotations JSON {"annotations": [{"question_id", "answers": [{"answer", ...}], "answer_type",
// "question_type", ...}]}, joined on question_id.
std::vector<VqaSample> read_vqav2(const BenchmarkSource& source);

// TextVQA 0.5.1: {"data": [{"question_id", "question", "image_id", "answers": [strings]}]}.
std::vector<VqaSample> read_textvqa(const BenchmarkSource& source);

// VizWiz: [{"image", "question", "answers": [{"answer", "answer_confidence"}], "answer_type"}].
std::vector<VqaSample> read_vizwiz(const BenchmarkSource& source);

// GQA: {"<question id>": {"imageId", "question", "answer", "types": {"structural", "semantic"}}}.
std::vector<VqaSample> read_gqa(const BenchmarkSource& source);

}  // namespace vlforge::vqa_eval
