// One question of a VQA-style benchmark, whatever file it came from: what the readers of every
// format produce and what the evaluators prompt with and score against.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "json_file.hpp"

namespace vlforge::vqa_eval {

struct VqaSample {
  Json question_id;            // as the file has it (a number for VQAv2, a string for GQA)
  std::string id;              // its text, unique within the file: the query id
  std::string question;
  std::filesystem::path image;
  std::vector<std::string> answers;  // the ground truth as written (10 annotators, or GQA's one answer)
  // (key, value) pairs the accuracy is broken down by, the format's main one first, e.g.
  // {"answer_type", "yes/no"}, {"question_type", "what color is the"}.
  std::vector<std::pair<std::string, std::string>> types;
};

}  // namespace vlforge::vqa_eval
