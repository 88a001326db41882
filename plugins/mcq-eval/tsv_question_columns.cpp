#include "tsv_question_columns.hpp"

#include "vlforge/error.hpp"

namespace vlforge::mcq_eval {

namespace {

std::string cell_text(const std::string& cell) { return is_missing_cell(cell) ? std::string() : cell; }

}  // namespace

TsvQuestionColumns::TsvQuestionColumns(const TsvTable& table, const std::vector<std::string>& required)
    : table_(table),
      index_(table.column("index")),
      question_(table.column("question")),
      hint_(table.find_column("hint")),
      answer_(table.find_column("answer")),
      category_(table.find_column("category")) {
  for (char c = 'A'; c <= 'Z'; ++c)
    if (const auto column = table.find_column(std::string(1, c))) letters_.emplace_back(std::string(1, c), *column);
  if (letters_.empty())
    throw Error(table.file().string() + ":1", "the header has no option columns (A, B, C, ...)");
  for (const std::string& name : required) required_.emplace_back(name, table.column(name));
}

ChoiceQuestion TsvQuestionColumns::read(const TsvTable::Row& row) const {
  ChoiceQuestion q;
  q.where = table_.where(row);
  q.id = row.fields[index_];
  if (q.id.empty()) throw Error(q.where, "the index cell is empty");
  q.question = row.fields[question_];
  if (hint_) q.hint = cell_text(row.fields[*hint_]);
  for (const auto& [letter, column] : letters_) {
    const std::string text = cell_text(row.fields[column]);
    if (!text.empty()) q.options.push_back({letter, text});
  }
  if (answer_) q.answer = cell_text(row.fields[*answer_]);
  if (category_) q.category = cell_text(row.fields[*category_]);
  return q;
}

const std::string& TsvQuestionColumns::cell(const TsvTable::Row& row, const std::string& column) const {
  for (const auto& [name, position] : required_)
    if (name == column) return row.fields[position];
  throw Error(table_.file().string(), "column '" + column + "' was not asked for");
}

void check_choice_answer(const ChoiceQuestion& q) {
  if (q.options.size() < 2)
    throw Error(q.where, "question " + q.id + " has " + std::to_string(q.options.size()) +
                             " option(s); a multiple-choice question needs at least 2");
  if (q.answer.empty()) return;
  for (const ChoiceOption& o : q.options)
    if (o.letter == q.answer) return;
  std::string letters;
  for (const ChoiceOption& o : q.options) letters += (letters.empty() ? "" : ", ") + o.letter;
  throw Error(q.where, "question " + q.id + " has answer '" + q.answer + "', which is not one of its options (" +
                           letters + ")");
}

}  // namespace vlforge::mcq_eval
