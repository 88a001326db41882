// VizWiz-VQA's Annotations/{train,val}.json.
#include "format_readers.hpp"
#include "image_pattern.hpp"
#include "vlforge/error.hpp"

namespace vlforge::vqa_eval {

std::vector<VqaSample> read_vizwiz(const BenchmarkSource& source) {
  const Json root = read_json_file(source.file);
  const Json& list = json_array(root, source.file, "the file");
  const ImagePattern pattern(source.image_pattern, source.file.string());
  std::vector<VqaSample> samples;
  samples.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string what = "[" + std::to_string(i) + "]";
    const Json& entry = list[i];
    VqaSample s;
    // A VizWiz question is named by its image: one question per image.
    s.question_id = json_key(entry, "image", source.file, what);
    s.id = json_string(entry, "image", source.file, what);
    s.question = json_string(entry, "question", source.file, what);
    s.image = source.images / pattern.file_name(s.id, source.file.string());
    const Json& answers = json_array(json_key(entry, "answers", source.file, what), source.file, what + ".answers");
    for (size_t j = 0; j < answers.size(); ++j)
      s.answers.push_back(json_string(answers[j], "answer", source.file, what + ".answers[" + std::to_string(j) + "]"));
    if (s.answers.empty()) throw Error(source.file.string(), what + " has no answers (the test split has none)");
    s.types = {{"answer_type", json_string(entry, "answer_type", source.file, what)}};
    samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace vlforge::vqa_eval
