#include "query_answering.hpp"

#include <torch/csrc/autograd/grad_mode.h>

namespace vlforge::evaluation {

ChatPrompt chat_prompt(const EvalPrompt& prompt) {
  ChatPrompt p;
  p.messages = {{"user", prompt.text}};
  p.images = prompt.images;
  p.raw = !prompt.chat;
  return p;
}

namespace {

bool same_decoding(const EvalPrompt& a, const EvalPrompt& b) {
  return a.max_new_tokens == b.max_new_tokens && a.stop_strings == b.stop_strings;
}

void answer_generation_batch(Assistant& assistant, std::span<const EvalQuery> queries, const std::vector<size_t>& rows,
                             AnswerLog& log) {
  std::vector<ChatPrompt> prompts;
  for (size_t i : rows) prompts.push_back(chat_prompt(queries[i].prompt));
  const EvalPrompt& first = queries[rows.front()].prompt;
  GenerationConfig config;
  config.max_new_tokens = first.max_new_tokens;
  config.stop_strings = first.stop_strings;
  const std::vector<Reply> replies = assistant.generate(std::span<const ChatPrompt>(prompts), config);
  for (size_t r = 0; r < rows.size(); ++r) log.add(rows[r], EvalAnswer{replies[r].text, {}});
}

}  // namespace

void answer_queries(Assistant& assistant, std::span<const EvalQuery> queries, const std::vector<size_t>& mine,
                    size_t batch, AnswerLog& log, Progress& progress) {
  torch::NoGradGuard no_grad;
  std::vector<size_t> pending;
  auto flush = [&] {
    if (pending.empty()) return;
    answer_generation_batch(assistant, queries, pending, log);
    progress.advance(static_cast<int64_t>(pending.size()));
    pending.clear();
  };
  for (size_t i : mine) {
    if (log.answers().count(i)) {
      progress.advance();
      continue;
    }
    const EvalQuery& q = queries[i];
    if (!q.options.empty()) {
      EvalAnswer a;
      a.option_logprobs = assistant.score_options(chat_prompt(q.prompt), q.options);
      log.add(i, a);
      progress.advance();
      continue;
    }
    if (!pending.empty() && (!same_decoding(queries[pending.front()].prompt, q.prompt) || pending.size() == batch)) flush();
    pending.push_back(i);
  }
  flush();
}

}  // namespace vlforge::evaluation
