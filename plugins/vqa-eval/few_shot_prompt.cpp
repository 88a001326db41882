#include "few_shot_prompt.hpp"

#include <algorithm>

namespace vlforge::vqa_eval {

std::string most_common_answer(const VqaSample& sample) {
  std::string best;
  long best_count = 0;
  for (const std::string& a : sample.answers) {
    const long n = std::count(sample.answers.begin(), sample.answers.end(), a);
    if (n > best_count) {
      best = a;
      best_count = n;
    }
  }
  return best;
}

EvalPrompt few_shot_prompt(const std::vector<const VqaSample*>& demonstrations, const VqaSample& query,
                           int64_t max_new_tokens) {
  EvalPrompt p;
  for (const VqaSample* d : demonstrations) {
    p.text += "<image>Question: " + d->question + " Short answer: " + most_common_answer(*d) + "\n";
    p.images.push_back(ImageInput::from_file(d->image));
  }
  p.text += "<image>Question: " + query.question + " Short answer:";
  p.images.push_back(ImageInput::from_file(query.image));
  p.chat = false;
  p.max_new_tokens = max_new_tokens;
  p.stop_strings = {"\n"};
  return p;
}

}  // namespace vlforge::vqa_eval
