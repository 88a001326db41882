#include "benchmark_source.hpp"

#include <unordered_set>

#include "format_readers.hpp"
#include "vlforge/error.hpp"

namespace vlforge::vqa_eval {

namespace {

bool uses_question_and_annotation_files(BenchmarkFormat format) {
  return format == BenchmarkFormat::vqav2 || format == BenchmarkFormat::okvqa;
}

// The image pattern of the one-file formats (VQAv2's depends on its questions file).
std::string_view default_image_pattern(BenchmarkFormat format) {
  return format == BenchmarkFormat::vizwiz ? "%s" : "%s.jpg";
}

}  // namespace

BenchmarkFormat parse_benchmark_format(std::string_view name) {
  if (name == "vqav2") return BenchmarkFormat::vqav2;
  if (name == "okvqa") return BenchmarkFormat::okvqa;
  if (name == "textvqa") return BenchmarkFormat::textvqa;
  if (name == "vizwiz") return BenchmarkFormat::vizwiz;
  if (name == "gqa") return BenchmarkFormat::gqa;
  throw Error("format \"" + std::string(name) + "\" is not one of vqav2, okvqa, textvqa, vizwiz, gqa");
}

std::string_view format_name(BenchmarkFormat format) {
  switch (format) {
    case BenchmarkFormat::vqav2: return "vqav2";
    case BenchmarkFormat::okvqa: return "okvqa";
    case BenchmarkFormat::textvqa: return "textvqa";
    case BenchmarkFormat::vizwiz: return "vizwiz";
    case BenchmarkFormat::gqa: return "gqa";
  }
  return "?";
}

void check_benchmark_source(const BenchmarkSource& source, const std::string& where, const std::string& prefix) {
  const std::string format(format_name(source.format));
  if (uses_question_and_annotation_files(source.format)) {
    if (source.questions.empty() || source.annotations.empty())
      throw Error(where, "format \"" + format + "\" reads two files: set " + prefix + "questions (the questions JSON) and " +
                             prefix + "annotations (the annotations JSON)");
    if (!source.file.empty())
      throw Error(where, "format \"" + format + "\" reads " + prefix + "questions and " + prefix + "annotations, not " +
                             prefix + "file");
  } else {
    if (source.file.empty()) throw Error(where, "format \"" + format + "\" reads one file: set " + prefix + "file");
    if (!source.questions.empty() || !source.annotations.empty())
      throw Error(where, "format \"" + format + "\" reads " + prefix + "file, not " + prefix + "questions / " + prefix +
                             "annotations");
  }
  if (source.images.empty()) throw Error(where, prefix + "images (the image folder) is not set");
}

std::vector<VqaSample> read_benchmark(const BenchmarkSource& source) {
  BenchmarkSource s = source;
  if (s.image_pattern.empty() && !uses_question_and_annotation_files(s.format))
    s.image_pattern = default_image_pattern(s.format);
  const std::filesystem::path& named = s.file.empty() ? s.questions : s.file;
  if (!std::filesystem::is_directory(s.images))
    throw Error(s.images.string(), "is not a folder (the images of " + named.string() + ")");

  std::vector<VqaSample> samples;
  switch (s.format) {
    case BenchmarkFormat::vqav2:
    case BenchmarkFormat::okvqa: samples = read_vqav2(s); break;
    case BenchmarkFormat::textvqa: samples = read_textvqa(s); break;
    case BenchmarkFormat::vizwiz: samples = read_vizwiz(s); break;
    case BenchmarkFormat::gqa: samples = read_gqa(s); break;
  }
  std::unordered_set<std::string> ids;
  for (const VqaSample& sample : samples)
    if (!ids.insert(sample.id).second) throw Error(named.string(), "question id " + sample.id + " appears twice");
  return samples;
}

}  // namespace vlforge::vqa_eval
