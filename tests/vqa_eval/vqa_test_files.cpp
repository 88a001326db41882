#include "vqa_test_files.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>

#include "test_paths.hpp"

namespace vlforge::vqa_eval::test {

void touch_images(const std::filesystem::path& dir, const std::vector<std::string>& names) {
  std::filesystem::create_directories(dir);
  for (const auto& name : names) vlforge::test::write_text(dir / name, "image bytes of " + name);
}

std::string vqa_answers_json(const std::vector<std::pair<std::string, int>>& counts) {
  nlohmann::json answers = nlohmann::json::array();
  int id = 1;
  for (const auto& [answer, n] : counts)
    for (int i = 0; i < n; ++i) answers.push_back({{"answer", answer}, {"answer_confidence", "yes"}, {"answer_id", id++}});
  return answers.dump();
}

std::string answer_strings_json(const std::vector<std::pair<std::string, int>>& counts) {
  nlohmann::json answers = nlohmann::json::array();
  for (const auto& [answer, n] : counts)
    for (int i = 0; i < n; ++i) answers.push_back(answer);
  return answers.dump();
}

}  // namespace vlforge::vqa_eval::test
