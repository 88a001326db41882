#include "short_answer_prompt.hpp"

namespace vlforge::vqa_eval {

EvalPrompt short_answer_prompt(const std::string& question, const std::filesystem::path& image,
                               const ShortAnswerSettings& settings) {
  EvalPrompt p;
  p.images = {ImageInput::from_file(image)};
  p.text = "<image>\n" + question + settings.prompt_suffix;
  p.chat = true;
  p.max_new_tokens = settings.max_new_tokens;
  return p;
}

}  // namespace vlforge::vqa_eval
