// GQA's {train,val,testdev}_balanced_questions.json.
#include <string_view>

#include "format_readers.hpp"
#include "image_pattern.hpp"
#include "vlforge/error.hpp"

namespace vlforge::vqa_eval {

std::vector<VqaSample> read_gqa(const BenchmarkSource& source) {
  // Each question carries its semantic program, entailed questions and annotations, most of the
  // file's size (the balanced train split is 1.3 GB); keep only the fields used here.
  const Json root = read_json_file(source.file, [](int depth, Json::parse_event_t event, Json& parsed) {
    if (event != Json::parse_event_t::key || depth != 2) return true;
    const auto& key = parsed.get_ref<const std::string&>();
    return key == "question" || key == "imageId" || key == "answer" || key == "types";
  });
  if (!root.is_object())
    throw Error(source.file.string(), std::string("is ") + root.type_name() + ", expected an object of questions by id");
  const ImagePattern pattern(source.image_pattern, source.file.string());
  std::vector<VqaSample> samples;
  samples.reserve(root.size());
  for (const auto& [id, entry] : root.items()) {
    const std::string what = "question \"" + id + "\"";
    VqaSample s;
    s.question_id = id;
    s.id = id;
    s.question = json_string(entry, "question", source.file, what);
    s.image = source.images / pattern.file_name(json_id_text(entry, "imageId", source.file, what), source.file.string());
    s.answers = {json_string(entry, "answer", source.file, what)};
    const Json& types = json_key(entry, "types", source.file, what);
    s.types = {{"structural", json_string(types, "structural", source.file, what + ".types")},
               {"semantic", json_string(types, "semantic", source.file, what + ".types")}};
    samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace vlforge::vqa_eval
