// Where a VQA-style benchmark's files are and how to read them: the format, its files and its
// image folder. Each format has its own reader; read_benchmark() dispatches to it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "vqa_sample.hpp"

namespace vlforge::vqa_eval {

enum class BenchmarkFormat { vqav2, okvqa, textvqa, vizwiz, gqa };

// "vqav2", "okvqa", "textvqa", "vizwiz", "gqa".
BenchmarkFormat parse_benchmark_format(std::string_view name);
std::string_view format_name(BenchmarkFormat format);

struct BenchmarkSource {
  BenchmarkFormat format = BenchmarkFormat::vqav2;
  std::filesystem::path questions;    // VQAv2 / OK-VQA questions JSON
  std::filesystem::path annotations;  // VQAv2 / OK-VQA annotations JSON
  std::filesystem::path file;         // TextVQA, VizWiz and GQA: the one file
  std::filesystem::path images;
  // The image file name from the image id (image_pattern.hpp). Empty: the format's own,
  // "COCO_<data_subtype>_%012d.jpg" for VQAv2 / OK-VQA with data_subtype read from the questions
  // file ("val2014", "train2014"; "val2014" when the file has none), "%s.jpg" for TextVQA and
  // GQA, "%s" for VizWiz (its "image" is the file name).
  std::string image_pattern;
};

// Checks that `source` names the files its format needs and no others; `where` names the
// component and `prefix` the keys ("" or "support_") in the message.
void check_benchmark_source(const BenchmarkSource& source, const std::string& where, const std::string& prefix = "");

// Every question of the benchmark in file order (a bad file is an error naming it).
std::vector<VqaSample> read_benchmark(const BenchmarkSource& source);

}  // namespace vlforge::vqa_eval
