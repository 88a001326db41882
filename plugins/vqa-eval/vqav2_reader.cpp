// VQAv2 / OK-VQA questions and annotations files.
#include <unordered_map>

#include "format_readers.hpp"
#include "image_pattern.hpp"
#include "vlforge/error.hpp"

namespace vlforge::vqa_eval {

std::vector<VqaSample> read_vqav2(const BenchmarkSource& source) {
  const Json questions_file = read_json_file(source.questions);
  const Json& questions =
      json_array(json_key(questions_file, "questions", source.questions, "the file"), source.questions, "questions");

  // The annotations file is the bigger one; keep only what is scored, by question id.
  struct Annotation {
    std::vector<std::string> answers;
    std::string answer_type, question_type;
  };
  std::unordered_map<std::string, Annotation> annotations;
  {
    // Each of the 10 answers also carries answer_confidence and answer_id, unused here: dropped
    // while parsing, which halves the size of the train split's 4.4M answers in memory.
    const Json annotations_file =
        read_json_file(source.annotations, [](int, Json::parse_event_t event, Json& parsed) {
          if (event != Json::parse_event_t::key) return true;
          const auto& key = parsed.get_ref<const std::string&>();
          return key != "answer_confidence" && key != "answer_id";
        });
    const Json& list = json_array(json_key(annotations_file, "annotations", source.annotations, "the file"),
                                  source.annotations, "annotations");
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string what = "annotations[" + std::to_string(i) + "]";
      const Json& entry = list[i];
      Annotation a;
      const Json& answers = json_array(json_key(entry, "answers", source.annotations, what), source.annotations,
                                       what + ".answers");
      for (size_t j = 0; j < answers.size(); ++j)
        a.answers.push_back(
            json_string(answers[j], "answer", source.annotations, what + ".answers[" + std::to_string(j) + "]"));
      if (a.answers.empty()) throw Error(source.annotations.string(), what + " has no answers");
      a.answer_type = json_string(entry, "answer_type", source.annotations, what);
      a.question_type = json_string(entry, "question_type", source.annotations, what);
      const std::string id = json_id_text(entry, "question_id", source.annotations, what);
      if (!annotations.emplace(id, std::move(a)).second)
        throw Error(source.annotations.string(), what + " repeats question_id " + id);
    }
  }

  std::string pattern_text = source.image_pattern;
  if (pattern_text.empty()) {
    // COCO file names carry the split the questions file names, e.g. COCO_train2014_000000000009.jpg.
    std::string split = "val2014";
    if (const auto subtype = questions_file.find("data_subtype");
        subtype != questions_file.end() && subtype->is_string())
      split = subtype->get<std::string>();
    pattern_text = "COCO_" + split + "_%012d.jpg";
  }
  const ImagePattern pattern(pattern_text, source.questions.string());
  std::vector<VqaSample> samples;
  samples.reserve(questions.size());
  for (size_t i = 0; i < questions.size(); ++i) {
    const std::string what = "questions[" + std::to_string(i) + "]";
    const Json& entry = questions[i];
    VqaSample s;
    s.question_id = json_key(entry, "question_id", source.questions, what);
    s.id = json_id_text(entry, "question_id", source.questions, what);
    s.question = json_string(entry, "question", source.questions, what);
    s.image = source.images /
              pattern.file_name(json_id_text(entry, "image_id", source.questions, what), source.questions.string());
    const auto found = annotations.find(s.id);
    if (found == annotations.end())
      throw Error(source.annotations.string(), "has no annotation for question_id " + s.id + " (" + what + " of " +
                                                   source.questions.string() + ")");
    Annotation& a = found->second;
    s.answers = std::move(a.answers);
    s.types = {{"answer_type", a.answer_type}, {"question_type", a.question_type}};
    samples.push_back(std::move(s));
  }
  return samples;
}

}  // namespace vlforge::vqa_eval
