#include "pope_answer.hpp"

namespace vlforge::vqa_eval {

namespace {

double ratio(int64_t num, int64_t den) { return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den); }

}  // namespace

bool pope_says_yes(std::string_view answer) {
  // text.split('.')[0]; text.replace(',', ''); text.split(' ')
  std::string sentence(answer.substr(0, answer.find('.')));
  std::erase(sentence, ',');
  size_t start = 0;
  while (start <= sentence.size()) {
    size_t end = sentence.find(' ', start);
    if (end == std::string::npos) end = sentence.size();
    const std::string_view word(sentence.data() + start, end - start);
    if (word == "No" || word == "not" || word == "no") return false;
    start = end + 1;
  }
  return true;
}

void PopeCounts::add(bool predicted_yes, bool label_yes) {
  if (predicted_yes) {
    ++(label_yes ? tp : fp);
  } else {
    ++(label_yes ? fn : tn);
  }
}

double PopeCounts::accuracy() const { return ratio(tp + tn, total()); }
double PopeCounts::precision() const { return ratio(tp, tp + fp); }
double PopeCounts::recall() const { return ratio(tp, tp + fn); }
double PopeCounts::yes_ratio() const { return ratio(tp + fp, total()); }

double PopeCounts::f1() const {
  const double p = precision(), r = recall();
  return p + r == 0.0 ? 0.0 : 2.0 * p * r / (p + r);
}

std::vector<std::pair<std::string, double>> PopeCounts::metrics(const std::string& prefix) const {
  return {{prefix + "f1", f1()},
          {prefix + "accuracy", accuracy()},
          {prefix + "precision", precision()},
          {prefix + "recall", recall()},
          {prefix + "yes_ratio", yes_ratio()}};
}

}  // namespace vlforge::vqa_eval
