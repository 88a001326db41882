// Reading the chosen option from generated answers, case by case.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "option_letter.hpp"

using vlforge::mcq_eval::ChoiceOption;
using vlforge::mcq_eval::option_letter;

namespace {

const std::vector<ChoiceOption> kOptions = {{"A", "red apple"}, {"B", "green pear"}, {"C", "banana"}, {"D", "blue sky"}};

struct Case {
  std::string answer;
  std::string letter;
};

TEST(OptionLetter, ReadsTheOneLetterOrOptionTextAnAnswerNames) {
  const std::vector<Case> cases = {
      {"A", "A"},
      {"A.", "A"},
      {"(B)", "B"},
      {"B)", "B"},
      {"[D]", "D"},
      {"The answer is C", "C"},
      {"The answer is C.", "C"},
      {"Answer: D", "D"},
      {"**B**", "B"},
      {"  C\n", "C"},
      {"c", "C"},                // a lone lower-case letter
      {"d.", "D"},
      {"banana", "C"},           // exactly one option's text
      {"Green Pear.", "B"},      // ignoring case and a final period
      {"It is a banana.", "C"},  // the one option text it contains
      {"A or B", ""},            // two letters: ambiguous
      {"A, B and C", ""},
      {"", ""},
      {"   ", ""},
      {"I do not know", ""},
      {"E", ""},                 // not an option
      {"a red apple or a green pear", ""},  // two option texts
  };
  for (const Case& c : cases) EXPECT_EQ(option_letter(c.answer, kOptions), c.letter) << "answer: \"" << c.answer << "\"";
}

TEST(OptionLetter, AnExactTextBeatsATextContainedInAnother) {
  const std::vector<ChoiceOption> options = {{"A", "cat"}, {"B", "cats"}};
  EXPECT_EQ(option_letter("cats", options), "B");  // "cat" is in "cats" too, but "cats" is exact
  EXPECT_EQ(option_letter("two cats", options), "");
}

}  // namespace
