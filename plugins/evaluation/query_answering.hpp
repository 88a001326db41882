// Answers evaluator queries with an Assistant: generation queries in batches of rows that share
// their decoding settings, option queries by log-probability, each answer logged as it comes.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "answer_log.hpp"
#include "vlforge/assistant.hpp"
#include "vlforge/interfaces/evaluator.hpp"
#include "vlforge/progress.hpp"

namespace vlforge::evaluation {

// The prompt of an evaluator query as the assistant takes it.
ChatPrompt chat_prompt(const EvalPrompt& prompt);

// Answers queries[i] for each i of `mine` not yet in `log`, `batch` generation rows at a time.
void answer_queries(Assistant& assistant, std::span<const EvalQuery> queries, const std::vector<size_t>& mine,
                    size_t batch, AnswerLog& log, Progress& progress);

}  // namespace vlforge::evaluation
