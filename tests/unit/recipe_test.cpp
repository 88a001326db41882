#include <gtest/gtest.h>

#include <cstdlib>

#include "recipe.hpp"
#include "vlforge/error.hpp"

using vlforge::host::parse_recipe;

namespace {

const char* kRecipe = R"([run]
name = "t"

[components.s]
use = "scorer/constant"
value = 1.5

[[stage]]
name = "a"
use = "stage/probe"
units = 2
log = "${VLFORGE_TEST_LOG:-/tmp/default.log}"

[[stage]]
name = "b"
use = "stage/probe"
)";

std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse_recipe(text, "r.toml", overrides);
  } catch (const vlforge::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Recipe, KeepsPositionsOfEveryValue) {
  const auto r = parse_recipe(kRecipe, "r.toml");
  ASSERT_EQ(r.stages.size(), 2u);
  EXPECT_EQ(r.stages[0].name, "a");
  EXPECT_EQ(r.stages[0].use, "stage/probe");
  EXPECT_EQ(r.stages[0].config.find("units")->where().str(), "r.toml:11:1");
  EXPECT_EQ(r.stages[0].use_where.str(), "r.toml:10:1");
  EXPECT_EQ(r.components.find("s")->find("value")->as_double(), 1.5);
  EXPECT_EQ(r.stages[0].config.find("name"), nullptr);  // name and use are not config
}

TEST(Recipe, ExpandsEnvironmentVariables) {
  unsetenv("VLFORGE_TEST_LOG");
  EXPECT_EQ(parse_recipe(kRecipe, "r.toml").stages[0].config.find("log")->as_string(), "/tmp/default.log");
  setenv("VLFORGE_TEST_LOG", "/x/y.log", 1);
  EXPECT_EQ(parse_recipe(kRecipe, "r.toml").stages[0].config.find("log")->as_string(), "/x/y.log");
  unsetenv("VLFORGE_TEST_LOG");
  EXPECT_EQ(error_of("[[stage]]\nname = \"a\"\nuse = \"${VLFORGE_UNSET_FOR_TEST}\"\n"),
            "r.toml:3:7: environment variable 'VLFORGE_UNSET_FOR_TEST' is not set (set it, or write "
            "${VLFORGE_UNSET_FOR_TEST:-default})");
}

TEST(Recipe, AppliesOverridesWithTomlValues) {
  const auto r = parse_recipe(kRecipe, "r.toml",
                              {"stage.b.units=7", "stage.a.log=plain/path.log", "run.seed=3", "components.s.value=2e-1"});
  EXPECT_EQ(r.stages[1].config.find("units")->as_int(), 7);
  EXPECT_EQ(r.stages[1].config.find("units")->where().str(), "--set stage.b.units");
  EXPECT_EQ(r.stages[0].config.find("log")->as_string(), "plain/path.log");
  EXPECT_EQ(r.run.find("seed")->as_int(), 3);
  EXPECT_DOUBLE_EQ(r.components.find("s")->find("value")->as_double(), 0.2);
}

TEST(Recipe, RejectsBadOverridesAndStructure) {
  EXPECT_EQ(error_of(kRecipe, {"stage.c.units=1"}), "--set stage.c.units: no stage named 'c' (did you mean 'a'?)");
  EXPECT_EQ(error_of(kRecipe, {"units"}), "--set units: expected KEY=VALUE, e.g. stage.pretrain.lr=1e-4");
  EXPECT_EQ(error_of("[rnu]\nname = 1\n"), "r.toml:1:1: unknown top-level key 'rnu' (did you mean 'run'?)");
  EXPECT_EQ(error_of("[run]\nname = \"x\"\n"), "r.toml: recipe has no stages (add [[stage]] tables)");
  EXPECT_EQ(error_of("[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\n[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\n"),
            "r.toml:5:1: duplicate stage name 'a'");
  EXPECT_NE(error_of("[run\n").find("r.toml:1:"), std::string::npos);
}
