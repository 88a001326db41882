// read_choice_tsv: MMBench, MMStar and AI2D as VLMEvalKit distributes them.
#include <unordered_map>

#include "base64.hpp"
#include "choice_readers.hpp"
#include "tsv_question_columns.hpp"
#include "vlforge/error.hpp"

namespace vlforge::mcq_eval {

std::vector<ChoiceQuestion> read_choice_tsv(const std::filesystem::path& file) {
  const TsvTable table = TsvTable::read(file);
  const TsvQuestionColumns columns(table, {"image"});
  std::vector<ChoiceQuestion> questions;
  std::unordered_map<std::string, ImageInput> image_of_index;
  // VLMEvalKit stores a shared image once: a cell of 64 characters or fewer names the index of
  // the row holding it.
  std::vector<std::pair<size_t, std::string>> shared;
  for (const TsvTable::Row& row : table.rows()) {
    ChoiceQuestion q = columns.read(row);
    check_choice_answer(q);
    const std::string& image = columns.cell(row, "image");
    if (image.size() <= 64 && !image.empty() && image.find_first_not_of("0123456789") == std::string::npos) {
      shared.emplace_back(questions.size(), image);
    } else {
      ImageInput input = ImageInput::from_bytes(decode_base64(image, q.where + ": image"));
      image_of_index.emplace(q.id, input);
      q.images.push_back(std::move(input));
    }
    questions.push_back(std::move(q));
  }
  for (const auto& [position, index] : shared) {
    const auto it = image_of_index.find(index);
    if (it == image_of_index.end())
      throw Error(questions[position].where,
                  "the image cell '" + index + "' names no row whose index holds an image");
    questions[position].images.push_back(it->second);
  }
  return questions;
}

}  // namespace vlforge::mcq_eval
