// Recipe error paths through the real executable: each problem is reported as FILE:LINE:COL,
// the exit code is non-zero, and nothing runs (no run folder appears).
#include <gtest/gtest.h>

#include <algorithm>

#include "process.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace vlforge::test;

namespace {

struct Case {
  std::string name;
  std::string body;      // stages and components after the common header
  std::string expected;  // the error line after "error: " (FILE: is prepended)
  std::vector<std::string> extra_args = {};
};

// Lines 1-5 of every recipe; case bodies start on line 6.
std::string header(const fs::path& run_dir) {
  return "[run]\nname = \"errors\"\ndir = \"" + run_dir.string() + "\"\n[plugins]\npaths = [\"" +
         kGoodPluginDir.string() + "\"]\n";
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class RecipeErrors : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(RecipeErrors, ReportsPositionAndRunsNothing) {
  const Case& c = GetParam();
  const fs::path dir = fresh_dir("recipe-errors-" + c.name);
  const fs::path run_dir = dir / "run";
  const fs::path recipe = dir / "recipe.toml";
  write_text(recipe, header(run_dir) + c.body);
  std::vector<std::string> args = {kVlforge, "run", recipe.string()};
  args.insert(args.end(), c.extra_args.begin(), c.extra_args.end());
  const auto r = run_command(args);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  // Lists of available components depend on what else is installed: those cases end in "(available: ".
  const std::string expected = "error: " + recipe.string() + c.expected;
  if (c.expected.ends_with("(available: ")) {
    EXPECT_EQ(r.output.substr(0, expected.size()), expected) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  } else {
    EXPECT_EQ(r.output, expected + "\n");
  }
  EXPECT_FALSE(fs::exists(run_dir)) << "a stage ran";
  if (c.extra_args.empty()) {
    const auto checked = run_command({kVlforge, "check", recipe.string()});
    EXPECT_EQ(checked.exit_code, 1);
    EXPECT_EQ(checked.output, r.output);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RecipeErrors,
    ::testing::Values(
        Case{"unknown_key", "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\nunitz = 3\n",
             ":9:1: unknown key 'unitz' in stage 'a' (stage/probe) (did you mean 'units'?)"},
        Case{"missing_key",
             "[components.c]\nuse = \"scorer/constant\"\n[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\nscorer = \"c\"\n",
             ":6:1: missing required key 'value' in component 'c' (scorer/constant) (float, required: the score)"},
        Case{"wrong_type", "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\nunits = \"three\"\n",
             ":9:1: wrong type for 'units' in stage 'a' (stage/probe): expected integer, got string"},
        Case{"out_of_range", "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\nratio = 1.5\n",
             ":9:1: value 1.5 of 'ratio' in stage 'a' (stage/probe) is out of range (float in [0, 1], default 0.5)"},
        Case{"bad_choice", "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\nmode = \"medium\"\n",
             ":9:1: invalid value \"medium\" for 'mode' in stage 'a' (stage/probe) (one of: fast, slow)"},
        Case{"unknown_component", "[[stage]]\nname = \"a\"\nuse = \"stage/prob\"\n",
             ":8:1: unknown component 'stage/prob' (did you mean 'stage/probe'?) (available: "},
        Case{"unknown_kind", "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\nscorer = { use = \"scorer/clip\" }\n",
             ":9:12: unknown component 'scorer/clip' (available: "},
        Case{"wrong_component_kind", "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\nscorer = { use = \"stage/probe\" }\n",
             ":9:12: expected a component of kind scorer in 'scorer' in stage 'a' (stage/probe), got 'stage/probe'"},
        Case{"unknown_component_label", "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\nscorer = \"constnt\"\n",
             ":9:1: unknown component 'constnt' in 'scorer' in stage 'a' (stage/probe)"},
        Case{"later_stage_ref",
             "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\ninput = \"b\"\n[[stage]]\nname = \"b\"\nuse = \"stage/probe\"\n",
             ":9:1: 'input' in stage 'a' (stage/probe) names stage 'b', which does not come before it"},
        Case{"unknown_only", "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\n[[stage]]\nname = \"b\"\nuse = \"stage/probe\"\n",
             ": --only names no stage 'c' (did you mean 'a'?)", {"--only", "c"}},
        Case{"unknown_from", "[[stage]]\nname = \"train\"\nuse = \"stage/probe\"\n",
             ": --from names no stage 'eval' (stages: train)", {"--from", "eval"}}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(RecipeOverrides, AreReportedAtTheSetOption) {
  const fs::path dir = fresh_dir("recipe-errors-set");
  const fs::path recipe = dir / "recipe.toml";
  write_text(recipe, header(dir / "run") + "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\n");
  const auto r = run_command({kVlforge, "run", recipe.string(), "--set", "run.device=gpu", "--set", "stage.a.units=0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output,
            "error: --set run.device: invalid device 'gpu' in [run] (\"cpu\", \"cuda\" or \"cuda:N\")\nerror: --set "
            "stage.a.units: value 0 of 'units' in stage 'a' (stage/probe) is out of range (integer in [1, 1000], default "
            "3)\n");
  EXPECT_FALSE(fs::exists(dir / "run"));
}

TEST(RecipeErrorsTogether, EveryProblemIsReportedOnItsOwnLine) {
  const fs::path dir = fresh_dir("recipe-errors-together");
  const fs::path recipe = dir / "recipe.toml";
  write_text(recipe, header(dir / "run") + "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\nunitz = 3\nratio = 2\n");
  const auto r = run_command({kVlforge, "check", recipe.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "error: " + recipe.string() + ":9:1: unknown key 'unitz' in stage 'a' (stage/probe) (did you mean 'units'?)\n" +
                          "error: " + recipe.string() + ":10:1: value 2 of 'ratio' in stage 'a' (stage/probe) is out of range (float in [0, 1], default 0.5)\n");
}

TEST(RecipeCheck, ValidRecipePrintsTheResolvedPlan) {
  const fs::path dir = fresh_dir("recipe-check-ok");
  const fs::path recipe = dir / "recipe.toml";
  write_text(recipe, header(dir / "run") +
                         "[components.c]\nuse = \"scorer/constant\"\nvalue = 2\n"
                         "[[stage]]\nname = \"a\"\nuse = \"stage/probe\"\nscorer = \"c\"\n");
  const auto r = run_command({kVlforge, "check", "--print", recipe.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("stage 1 a              stage/probe"), std::string::npos) << r.output;
  // Defaults are filled in and the component reference is resolved to its table.
  EXPECT_NE(r.output.find("{units = 3, delay_ms = 0, log = \"\", mode = \"fast\", ratio = 0.5, scorer = {use = "
                          "\"scorer/constant\", value = 2.0, delay_ms = 0, batch_size = 64}}"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir / "run"));
}
