// Reading VLMEvalKit's TSVs: plain fields, pandas-quoted fields, rows that do not fit the header.
#include <gtest/gtest.h>

#include "error_text.hpp"
#include "test_paths.hpp"
#include "tsv_table.hpp"

using vlforge::mcq_eval::TsvTable;
using vlforge::test::error_of;
using vlforge::test::fresh_dir;
using vlforge::test::write_text;

namespace {

TEST(TsvTable, ReadsTabSeparatedRowsAndPandasQuotedFields) {
  const auto file = fresh_dir("mcq_tsv_read") / "t.tsv";
  write_text(file, "index\tquestion\tA\r\n1\tWhat?\tx\n2\t\"Say \"\"hi\"\"\nthen go\"\tnan\n\n3\t\ty\n");
  const TsvTable t = TsvTable::read(file);
  EXPECT_EQ(t.header(), (std::vector<std::string>{"index", "question", "A"}));
  ASSERT_EQ(t.rows().size(), 3u);
  EXPECT_EQ(t.rows()[0].fields, (std::vector<std::string>{"1", "What?", "x"}));
  EXPECT_EQ(t.rows()[1].fields, (std::vector<std::string>{"2", "Say \"hi\"\nthen go", "nan"}));
  EXPECT_EQ(t.rows()[1].line, 3u);
  EXPECT_EQ(t.rows()[2].line, 6u);  // the quoted newline and the blank line count
  EXPECT_EQ(t.rows()[2].fields[1], "");
  EXPECT_EQ(t.column("A"), 2u);
  EXPECT_TRUE(vlforge::mcq_eval::is_missing_cell("nan"));
  EXPECT_FALSE(vlforge::mcq_eval::is_missing_cell("0"));
}

TEST(TsvTable, ARowOfAnotherWidthOrAMissingColumnIsAnErrorNamingFileAndLine) {
  const auto file = fresh_dir("mcq_tsv_errors") / "t.tsv";
  write_text(file, "index\tquestion\n1\tok\n2\tone\ttoo many\n");
  EXPECT_EQ(error_of([&] { TsvTable::read(file); }),
            file.string() + ":3: has 3 tab-separated fields, the header has 2");
  write_text(file, "index\tquestion\n1\tok\n");
  const TsvTable t = TsvTable::read(file);
  EXPECT_EQ(error_of([&] { t.column("answer"); }), file.string() + ":1: the header has no column 'answer'");
  write_text(file, "index\tquestion\n1\t\"never closed\n");
  EXPECT_EQ(error_of([&] { TsvTable::read(file); }), file.string() + ":2: a quoted field is never closed");
}

}  // namespace
