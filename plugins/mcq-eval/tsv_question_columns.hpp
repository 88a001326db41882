// The columns VLMEvalKit's multiple-choice TSVs share: index, question, hint, one column per
// option letter, answer, category. Their positions are found once per file; each row then reads
// as a ChoiceQuestion (without images, which the formats store differently).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "choice_question.hpp"
#include "tsv_table.hpp"

namespace vlforge::mcq_eval {

class TsvQuestionColumns {
 public:
  // `required` columns beyond index and question must be in the header too.
  TsvQuestionColumns(const TsvTable& table, const std::vector<std::string>& required);

  // id, question, hint, the options whose cells are not empty ("nan" is empty), answer, category.
  ChoiceQuestion read(const TsvTable::Row& row) const;

  // The cell of a column the constructor required.
  const std::string& cell(const TsvTable::Row& row, const std::string& column) const;

 private:
  const TsvTable& table_;
  size_t index_, question_;
  std::optional<size_t> hint_, answer_, category_;
  std::vector<std::pair<std::string, size_t>> letters_;  // "A" -> column, in letter order
  std::vector<std::pair<std::string, size_t>> required_;
};

// A choice question's answer must be one of its option letters (or empty: not scored); an error
// naming the question's FILE:LINE otherwise. A question needs at least two options.
void check_choice_answer(const ChoiceQuestion& q);

}  // namespace vlforge::mcq_eval
