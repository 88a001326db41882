#include "accuracy_table.hpp"

namespace vlforge::mcq_eval {

void AccuracyTable::add(const std::string& category, bool correct) {
  total_.n += 1;
  total_.right += correct ? 1 : 0;
  if (category.empty()) return;
  Count& c = categories_[category];
  c.n += 1;
  c.right += correct ? 1 : 0;
}

std::vector<std::pair<std::string, double>> AccuracyTable::metrics() const {
  std::vector<std::pair<std::string, double>> out;
  if (total_.n == 0) return out;
  out.emplace_back("accuracy", total_.accuracy());
  for (const auto& [name, count] : categories_) out.emplace_back("accuracy/" + name, count.accuracy());
  return out;
}

}  // namespace vlforge::mcq_eval
