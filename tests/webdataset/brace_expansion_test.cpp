// expand_braces() against Python braceexpand 0.1.7's documented and tested outputs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "error_text.hpp"
#include "vlforge/webdataset.hpp"

namespace vlforge::test {
namespace {

using Names = std::vector<std::string>;

struct Case {
  std::string name;
  std::string pattern;
  Names expected;
};

class BraceExpansion : public ::testing::TestWithParam<Case> {};

TEST_P(BraceExpansion, MatchesPythonBraceexpand) {
  EXPECT_EQ(expand_braces(GetParam().pattern), GetParam().expected) << GetParam().pattern;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BraceExpansion,
    ::testing::Values(
        Case{"NoBraces", "data/shard.tar", {"data/shard.tar"}},
        Case{"List", "{a,b}", {"a", "b"}},
        Case{"ListWithText", "x-{a,b}.tar", {"x-a.tar", "x-b.tar"}},
        Case{"ZeroPaddedRange", "{00..12}",
             {"00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}},
        Case{"PaddingFromTheLongerBound", "{7..010}", {"007", "008", "009", "010"}},
        Case{"UnpaddedRange", "{7..10}", {"7", "8", "9", "10"}},
        Case{"DescendingRange", "{10..7}", {"10", "9", "8", "7"}},
        Case{"RangeWithStep", "{1..5..2}", {"1", "3", "5"}},
        Case{"DescendingStep", "{5..1..2}", {"5", "3", "1"}},
        Case{"StepSignIgnored", "{1..5..-2}", {"1", "3", "5"}},
        Case{"ZeroStepIsOne", "{1..3..0}", {"1", "2", "3"}},
        Case{"NegativeNumbers", "{2..-1}", {"2", "1", "0", "-1"}},
        Case{"WidePadding", "{0000000000000000000000000009..10}",
             {"0000000000000000000000000009", "0000000000000000000000000010"}},
        Case{"PaddedNegative", "{-01..1}", {"-01", "000", "001"}},
        Case{"SingleNumber", "{1..1}", {"1"}},
        Case{"Letters", "{a..e}", {"a", "b", "c", "d", "e"}},
        Case{"LettersWithStep", "{a..g..2}", {"a", "c", "e", "g"}},
        Case{"LettersDescending", "{e..a..2}", {"e", "c", "a"}},
        Case{"LettersAcrossCases", "{Z..a}", {"Z", "a"}},
        Case{"LettersAcrossCasesDown", "{a..Z}", {"a", "Z"}},
        Case{"ProductLeftmostSlowest", "{a,b}-{0..2}", {"a-0", "a-1", "a-2", "b-0", "b-1", "b-2"}},
        Case{"TwoGroups", "a{b,c}d{e,f}", {"abde", "abdf", "acde", "acdf"}},
        Case{"Nested", "a{b,c{d,e,}}", {"ab", "acd", "ace", "ac"}},
        Case{"DeeplyNested", "a{b,{c,{d,e}}}", {"ab", "ac", "ad", "ae"}},
        Case{"NestedLists", "{{a,b},{c,d}}", {"a", "b", "c", "d"}},
        Case{"RangeInsideList", "python{2.{5..7},3.{2,3}}",
             {"python2.5", "python2.6", "python2.7", "python3.2", "python3.3"}},
        Case{"EmptyItems", "{,}", {"", ""}},
        Case{"OptionalSuffix", "index.html{,.backup}", {"index.html", "index.html.backup"}},
        Case{"SingleItemIsLiteral", "{1}", {"{1}"}},
        Case{"EmptyBracesAreLiteral", "x{}y", {"x{}y"}},
        Case{"LiteralBracesInsideList", "{1,2{}}", {"1", "2{}"}},
        Case{"MixedRangeIsLiteral", "{1..a}", {"{1..a}"}},
        Case{"EscapedBraces", "\\{1,2\\}", {"{1,2}"}},
        Case{"EscapedComma", "{1\\,2}", {"{1,2}"}},
        Case{"EscapedCommaInList", "{\\,1,2}", {",1", "2"}},
        Case{"EscapedBackslash", "\\\\{1,2}", {"\\1", "\\2"}},
        Case{"EscapeInsideList", "{1\\{2,3}", {"1{2", "3"}},
        Case{"DataCompShards", "s3/{00000000..00000002}.tar",
             {"s3/00000000.tar", "s3/00000001.tar", "s3/00000002.tar"}}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(BraceExpansion, LargeRangeHasEveryNameOnce) {
  const Names names = expand_braces("{00000000..00001279}.tar");
  ASSERT_EQ(names.size(), 1280u);
  EXPECT_EQ(names.front(), "00000000.tar");
  EXPECT_EQ(names[1000], "00001000.tar");
  EXPECT_EQ(names.back(), "00001279.tar");
}

TEST(BraceExpansion, UnclosedBraceIsAnError) {
  EXPECT_EQ(error_of([] { expand_braces("data/{a,b.tar"); }),
            "brace pattern 'data/{a,b.tar': '{' at offset 5 is never closed");
  EXPECT_EQ(error_of([] { expand_braces("{1{2,3}"); }), "brace pattern '{1{2,3}': '{' at offset 0 is never closed");
}

TEST(BraceExpansion, StrayClosingBraceIsAnError) {
  EXPECT_EQ(error_of([] { expand_braces("{1,2}}"); }), "brace pattern '{1,2}}': '}' at offset 5 closes no '{'");
  EXPECT_EQ(error_of([] { expand_braces("a}b"); }), "brace pattern 'a}b': '}' at offset 1 closes no '{'");
}

TEST(BraceExpansion, EscapingOnlyTheOpeningBraceLeavesTheClosingOneStray) {
  // braceexpand 0.1.7 raises UnbalancedBracesError here too.
  EXPECT_EQ(error_of([] { expand_braces("\\{1,2}"); }), "brace pattern '\\{1,2}': '}' at offset 5 closes no '{'");
}

TEST(BraceExpansion, AbsurdlyLargePatternIsRefused) {
  EXPECT_NE(error_of([] { expand_braces("{0..99999999999}"); }).find("expands to more than"), std::string::npos);
}

}  // namespace
}  // namespace vlforge::test
