// docs/components.md is generated from the schemas; this keeps the committed file in step with
// the code (regenerate with `make docs`).
#include <gtest/gtest.h>

#include "process.hpp"
#include "test_paths.hpp"

using namespace vlforge::test;

TEST(ComponentsDoc, MatchesTheSchemasOfTheBuiltInPlugins) {
  const auto r = run_command({kVlforge, "describe", "--all", "--markdown"}, {"VLFORGE_PLUGIN_PATH="});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, read_text(kSourceDir / "docs" / "components.md"))
      << "docs/components.md is out of date: run `make docs`";
}
