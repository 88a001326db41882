// Every recipe shipped in recipes/ validates against the components it names: a renamed field or
// component breaks this test, not a user's first run.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "process.hpp"
#include "test_paths.hpp"

namespace vlforge::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> shipped_recipes() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(kSourceDir / "recipes"))
    if (e.path().extension() == ".toml") out.push_back(fs::relative(e.path(), kSourceDir / "recipes").string());
  return out;
}

class ShippedRecipe : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedRecipe, PassesCheck) {
  const auto r = run_command({kVlforge, "check", (kSourceDir / "recipes" / GetParam()).string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

INSTANTIATE_TEST_SUITE_P(Recipes, ShippedRecipe, ::testing::ValuesIn(shipped_recipes()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

}  // namespace
}  // namespace vlforge::test
