#include "pope_questions.hpp"

#include "vlforge/error.hpp"

namespace vlforge::vqa_eval {

std::string pope_category(const std::filesystem::path& file) {
  const std::string stem = file.stem().string();
  const std::string prefix = "coco_pope_";
  return stem.starts_with(prefix) && stem.size() > prefix.size() ? stem.substr(prefix.size()) : stem;
}

std::vector<PopeQuestion> read_pope_questions(const std::filesystem::path& file, const std::filesystem::path& images) {
  const std::string category = pope_category(file);
  std::vector<PopeQuestion> out;
  const std::vector<Json> lines = read_json_lines(file);
  out.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string what = "question " + std::to_string(i + 1);
    const Json& entry = lines[i];
    PopeQuestion q;
    q.question_id = json_key(entry, "question_id", file, what);
    q.id = category + "/" + json_id_text(entry, "question_id", file, what);
    q.text = json_string(entry, "text", file, what);
    q.image = images / json_string(entry, "image", file, what);
    const std::string label = json_string(entry, "label", file, what);
    if (label != "yes" && label != "no")
      throw Error(file.string(), what + " has label \"" + label + "\" (expected \"yes\" or \"no\")");
    q.label_yes = label == "yes";
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace vlforge::vqa_eval
