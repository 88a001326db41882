// One question of a multiple-choice benchmark as the readers deliver it, whatever the file format.
#pragma once

#include <string>
#include <vector>

#include "vlforge/image_input.hpp"

namespace vlforge::mcq_eval {

struct ChoiceOption {
  std::string letter;  // "A", "B", ...
  std::string text;
};

struct ChoiceQuestion {
  std::string id;        // the file's index / question_id
  std::string question;  // as in the file (MMMU: with its "<image k>" references)
  std::string hint;      // "" when the file has none
  std::vector<ChoiceOption> options;  // empty: an open question (MMMU), answered in words
  // The correct option's letter (open questions: the expected answer, a Python list literal such
  // as "['2', '2.0']" for several); "" when the file does not say (a test split): not scored.
  std::string answer;
  std::string category;
  // The question's images: MMMU's "<image k>" is images[k - 1]; without references every image
  // goes before the question.
  std::vector<ImageInput> images;
  std::string where;  // FILE:LINE or FILE + entry, for errors about this question
};

}  // namespace vlforge::mcq_eval
