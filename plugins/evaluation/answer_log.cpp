#include "answer_log.hpp"

#include <nlohmann/json.hpp>

#include "vlforge/error.hpp"

namespace vlforge::evaluation {

std::map<size_t, EvalAnswer> AnswerLog::read(const std::filesystem::path& file) {
  std::map<size_t, EvalAnswer> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    // A line without its newline was being written when the run stopped: answer it again.
    if (in.eof()) break;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) throw Error(file.string(), "unreadable line: " + line.substr(0, 80));
    EvalAnswer a;
    a.text = j.at("text").get<std::string>();
    a.option_logprobs = j.at("logprobs").get<std::vector<double>>();
    out[j.at("query").get<size_t>()] = std::move(a);
  }
  return out;
}

AnswerLog::AnswerLog(std::filesystem::path file) : file_(std::move(file)) {
  if (std::filesystem::exists(file_)) {
    answers_ = read(file_);
    // Rewrite without a cut last line, so that appending continues on a line boundary.
    std::ofstream rewrite(file_, std::ios::trunc);
    for (const auto& [i, a] : answers_)
      rewrite << nlohmann::json{{"query", i}, {"text", a.text}, {"logprobs", a.option_logprobs}}.dump() << "\n";
  }
  out_.open(file_, std::ios::app);
  if (!out_) throw Error(file_.string(), "cannot write the answers");
}

void AnswerLog::add(size_t query, const EvalAnswer& answer) {
  out_ << nlohmann::json{{"query", query}, {"text", answer.text}, {"logprobs", answer.option_logprobs}}.dump() << "\n";
  out_.flush();
  answers_[query] = answer;
}

}  // namespace vlforge::evaluation
