#include "choice_prompt.hpp"

namespace vlforge::mcq_eval {

std::string choice_prompt_text(const std::string& hint, const std::string& question,
                               std::span<const ChoiceOption> options) {
  std::string text;
  if (!hint.empty()) text += hint + "\n";
  text += question;
  for (const ChoiceOption& o : options) text += "\n" + o.letter + ". " + o.text;
  text += options.empty() ? kShortAnswerInstruction : kLetterInstruction;
  return text;
}

}  // namespace vlforge::mcq_eval
