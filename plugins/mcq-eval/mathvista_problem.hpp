// One MathVista problem as testmini.json gives it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vlforge/image_input.hpp"

namespace vlforge::mcq_eval {

struct MathVistaProblem {
  std::string pid;
  std::string question;
  std::string query;  // the prompt text, with its hint on how to answer
  ImageInput image;
  std::vector<std::string> choices;  // multi_choice; empty for free_form
  std::string unit;                  // "" when none
  std::optional<int> precision;      // decimals of a float answer
  std::string answer;                // as text: "14", "1.45", "[1, 2]", a choice's text
  std::string question_type;         // "multi_choice" or "free_form"
  std::string answer_type;           // "integer", "float", "text" or "list"
  std::string task;                  // metadata.task
  std::string category;              // metadata.category
  std::string where;                 // FILE: entry, for errors
};

}  // namespace vlforge::mcq_eval
