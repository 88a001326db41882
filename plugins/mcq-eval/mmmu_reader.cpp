// read_mmmu_tsv: VLMEvalKit's MMMU_DEV_VAL.tsv.
#include "base64.hpp"
#include "choice_readers.hpp"
#include "json_file.hpp"
#include "tsv_question_columns.hpp"
#include "vlforge/error.hpp"

namespace vlforge::mcq_eval {

namespace {

// One base64 image, or a JSON list of them for a question with several.
std::vector<ImageInput> images_of(const std::string& cell, const std::string& where) {
  std::vector<ImageInput> images;
  if (!cell.empty() && cell.front() == '[') {
    Json list;
    try {
      list = Json::parse(cell);
    } catch (const Json::parse_error& e) {
      throw Error(where, std::string("image: a list that is not valid JSON (") + e.what() + ")");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string())
        throw Error(where, "image: item " + std::to_string(i) + " is " + list[i].type_name() + ", expected base64 text");
      images.push_back(
          ImageInput::from_bytes(decode_base64(list[i].get<std::string>(), where + ": image " + std::to_string(i + 1))));
    }
    return images;
  }
  images.push_back(ImageInput::from_bytes(decode_base64(cell, where + ": image")));
  return images;
}

}  // namespace

std::vector<ChoiceQuestion> read_mmmu_tsv(const std::filesystem::path& file) {
  const TsvTable table = TsvTable::read(file);
  const TsvQuestionColumns columns(table, {"image", "question_type"});
  std::vector<ChoiceQuestion> questions;
  for (const TsvTable::Row& row : table.rows()) {
    ChoiceQuestion q = columns.read(row);
    const std::string& type = columns.cell(row, "question_type");
    if (type == "open") {
      q.options.clear();
    } else if (type == "multiple-choice") {
      check_choice_answer(q);
    } else {
      throw Error(q.where, "question_type is '" + type + "', expected \"multiple-choice\" or \"open\"");
    }
    q.images = images_of(columns.cell(row, "image"), q.where);
    questions.push_back(std::move(q));
  }
  return questions;
}

}  // namespace vlforge::mcq_eval
