// read_seed_bench: the original SEED-Bench.json, image questions only.
#include <map>

#include "choice_readers.hpp"
#include "json_file.hpp"
#include "vlforge/error.hpp"

namespace vlforge::mcq_eval {

std::vector<ChoiceQuestion> read_seed_bench(const std::filesystem::path& file, const std::filesystem::path& images) {
  const Json root = read_json_file(file);
  std::map<std::string, std::string> type_names;  // question_type_id as text -> name
  for (const auto& [name, id] : json_key(root, "question_type", file, "the file").items()) {
    if (!id.is_number_integer())
      throw Error(file.string(), "question_type." + name + " is " + id.type_name() + ", expected an integer");
    type_names[id.dump()] = name;
  }
  const Json& list = json_array(json_key(root, "questions", file, "the file"), file, "questions");
  std::vector<ChoiceQuestion> questions;
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& entry = list[i];
    const std::string what = "questions[" + std::to_string(i) + "]";
    if (json_string(entry, "data_type", file, what) != "image") continue;  // video questions need frames
    ChoiceQuestion q;
    q.where = file.string() + ": " + what;
    q.id = json_id_text(entry, "question_id", file, what);
    q.question = json_string(entry, "question", file, what);
    for (const char letter : {'a', 'b', 'c', 'd'})
      q.options.push_back({std::string(1, static_cast<char>(letter - 'a' + 'A')),
                           json_string(entry, std::string("choice_") + letter, file, what)});
    q.answer = json_string(entry, "answer", file, what);
    const std::string type = json_id_text(entry, "question_type_id", file, what);
    const auto name = type_names.find(type);
    if (name == type_names.end())
      throw Error(q.where, "question_type_id " + type + " is not in the file's question_type table");
    q.category = name->second;
    q.images.push_back(ImageInput::from_file(images / json_string(entry, "data_id", file, what)));
    if (q.answer.size() != 1 || q.answer[0] < 'A' || q.answer[0] > 'D')
      throw Error(q.where, "question " + q.id + " has answer '" + q.answer + "', expected A, B, C or D");
    questions.push_back(std::move(q));
  }
  return questions;
}

}  // namespace vlforge::mcq_eval
