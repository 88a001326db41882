// The VQA answer normalisation, case by case. Each expected value is what the official
// vqaEval.py (GT-Vision-Lab/VQA, processPunctuation then processDigitArticle) returns for the
// input under Python 3.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vqa_answer_normalizer.hpp"

using vlforge::vqa_eval::normalize_vqa_answer;
using vlforge::vqa_eval::process_digit_article;
using vlforge::vqa_eval::process_punctuation;

namespace {

struct Case {
  std::string input;
  std::string expected;
  const char* why;
};

const std::vector<Case> kCases = {
    {"yes", "yes", "already normal"},
    {"Yes", "yes", "lower-cased"},
    {"  Yes.\n", "yes", "stripped, trailing period removed"},
    {"yes\tsir", "yes sir", "tab becomes a space"},
    {"  The  Answer  ", "answer", "article dropped, runs of spaces collapse"},
    {"two", "2", "number word to digit"},
    {"Two dogs", "2 dogs", "number word in a phrase"},
    {"one two three", "1 2 3", "every number word"},
    {"none", "0", "none counts as zero"},
    {"ten", "10", "the largest number word"},
    {"the dog", "dog", "article the"},
    {"a cat and an apple", "cat and apple", "articles a and an"},
    {"a", "", "a lone article leaves nothing"},
    {"on the table.", "on table", "article and period"},
    {"dont", "don't", "contraction restored"},
    {"isnt", "isn't", "contraction restored"},
    {"Whats that", "what's that", "contraction after lower-casing"},
    {"I  dont  know", "i don't know", "contraction inside a phrase"},
    {"5 oclock", "5 o'clock", "o'clock"},
    {"Don't", "don't", "an apostrophe is not punctuation"},
    {"3.5", "3.5", "a period before a digit stays"},
    {"3.5.", "3.5", "a period before the end goes"},
    {".5", ".5", "leading period before a digit stays"},
    {"U.S.A.", "usa", "periods between letters go"},
    {"well...ok", "wellok", "every period not before a digit goes"},
    {"1,000", "1000", "digit-comma-digit: punctuation deleted, not spaced"},
    {"2,5 apples!", "25 apples", "digit-comma-digit deletes the ! as well"},
    {"red, white", "red white", "comma next to a space is deleted"},
    {"red,white", "red white", "comma between letters becomes a space"},
    {"t-shirt", "t shirt", "hyphen becomes a space"},
    {"t - shirt", "t shirt", "hyphen next to spaces is deleted"},
    {"left/right", "left right", "slash becomes a space"},
    {"a/b, c", "b c", "slash spaced, comma deleted, then the article a dropped"},
    {"hello!", "hello", "exclamation mark"},
    {"(red)", "red", "parentheses"},
    {"[1] dog?", "1 dog", "] next to a space deleted, [ and ? spaced"},
    {"#1", "#1", "# is not in the punctuation list"},
    {"50%", "50%", "% is not in the punctuation list"},
    {"it's 12:30", "it's 12:30", ": is not in the punctuation list"},
    {"Straße", "straße", "non-ASCII text lower-cases as Python's str.lower"},
    {"ΟΔΟΣ", "οδος", "Greek capital sigma at a word's end becomes final sigma"},
    {"1\u00a0000", "1 000", "a no-break space splits words, as str.split does"},
    {"٣.٥", "٣.٥", "a period before an Arabic-Indic digit stays (\\d is Unicode)"},
};

TEST(VqaAnswerNormalizer, MatchesTheOfficialScriptCaseByCase) {
  ASSERT_GE(kCases.size(), 25u);
  for (const Case& c : kCases)
    EXPECT_EQ(normalize_vqa_answer(c.input), c.expected) << "input \"" << c.input << "\": " << c.why;
}

TEST(VqaAnswerNormalizer, StripsAtMost32PeriodsAsTheScriptsReSubCountDoes) {
  // vqaEval.py calls periodStrip.sub("", text, re.UNICODE): re.UNICODE (32) is the count.
  const std::string text = "x" + std::string(33, '.');
  EXPECT_EQ(process_punctuation(text), "x.");
  EXPECT_EQ(process_punctuation("x" + std::string(32, '.')), "x");
}

TEST(VqaAnswerNormalizer, StepsOnTheirOwn) {
  // processPunctuation keeps case and spaces; processDigitArticle does the words.
  EXPECT_EQ(process_punctuation("The Dog, ok?"), "The Dog ok ");  // "?" spaced, "," deleted
  EXPECT_EQ(process_punctuation("a;b"), "a b");
  EXPECT_EQ(process_digit_article("The Two  Dogs"), "2 dogs");
  EXPECT_EQ(process_digit_article("an arent"), "aren't");
}

}  // namespace
