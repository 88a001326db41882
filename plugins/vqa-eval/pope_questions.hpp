// POPE's published question files (coco_pope_random.json, coco_pope_popular.json,
// coco_pope_adversarial.json from github.com/AoiDragon/POPE): JSON lines
//   {"question_id": 1, "image": "COCO_val2014_000000310196.jpg", "text": "Is there a snowboard in the image?", "label": "yes"}
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "json_file.hpp"

namespace vlforge::vqa_eval {

struct PopeQuestion {
  Json question_id;
  std::string id;  // "<category>/<question_id>": unique over several files
  std::string text;
  std::filesystem::path image;
  bool label_yes = false;
};

// "random" for coco_pope_random.json (as LLaVA names the splits); the file's stem when it does
// not start with "coco_pope_".
std::string pope_category(const std::filesystem::path& file);

// The questions of one file, in file order; a label other than "yes" / "no", or a line that is
// not JSON, is an error naming the file and line.
std::vector<PopeQuestion> read_pope_questions(const std::filesystem::path& file, const std::filesystem::path& images);

}  // namespace vlforge::vqa_eval
