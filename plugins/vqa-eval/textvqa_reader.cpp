// TextVQA's TextVQA_0.5.1_{train,val}.json.
#include "format_readers.hpp"
#include "image_pattern.hpp"
#include "vlforge/error.hpp"

namespace vlforge::vqa_eval {

std::vector<VqaSample> read_textvqa(const BenchmarkSource& source) {
  const Json root = read_json_file(source.file);
  const Json& data = json_array(json_key(root, "data", source.file, "the file"), source.file, "data");
  const ImagePattern pattern(source.image_pattern, source.file.string());
  std::vector<VqaSample> samples;
  samples.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    const std::string what = "data[" + std::to_string(i) + "]";
    const Json& entry = data[i];
    VqaSample s;
    s.question_id = json_key(entry, "question_id", source.file, what);
    s.id = json_id_text(entry, "question_id", source.file, what);
    s.question = json_string(entry, "question", source.file, what);
    s.image = source.images / pattern.file_name(json_id_text(entry, "image_id", source.file, what), source.file.string());
    const Json& answers = json_array(json_key(entry, "answers", source.file, what), source.file, what + ".answers");
    for (size_t j = 0; j < answers.size(); ++j) {
      if (!answers[j].is_string())
        throw Error(source.file.string(), what + ".answers[" + std::to_string(j) + "] is " + answers[j].type_name() +
                                              ", expected a string");
      s.answers.push_back(answers[j].get<std::string>());
    }
    if (s.answers.empty()) throw Error(source.file.string(), what + " has no answers (the test split has none)");
    samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace vlforge::vqa_eval
