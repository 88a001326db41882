// MathVista answer extraction by problem type, and the unit-free comparison.
#include <gtest/gtest.h>

#include "mathvista_answer.hpp"

using vlforge::mcq_eval::extract_mathvista_answer;
using vlforge::mcq_eval::mathvista_answer_correct;
using vlforge::mcq_eval::MathVistaProblem;

namespace {

MathVistaProblem problem(const std::string& answer_type, const std::string& answer) {
  MathVistaProblem p;
  p.pid = "1";
  p.question_type = "free_form";
  p.answer_type = answer_type;
  p.answer = answer;
  return p;
}

TEST(MathVistaAnswer, MultiChoiceReadsTheLetterOrTheTextAsTheChoiceText) {
  MathVistaProblem p = problem("text", "3/4");
  p.question_type = "multi_choice";
  p.choices = {"1/2", "3/4", "1"};
  EXPECT_EQ(extract_mathvista_answer(p, "The answer is (B)."), "3/4");
  EXPECT_EQ(extract_mathvista_answer(p, "3/4"), "3/4");
  EXPECT_EQ(extract_mathvista_answer(p, "A or C"), "");
  EXPECT_TRUE(mathvista_answer_correct(p, "3/4"));
  EXPECT_FALSE(mathvista_answer_correct(p, "1/2"));
  EXPECT_FALSE(mathvista_answer_correct(p, ""));
}

TEST(MathVistaAnswer, IntegerIsTheLastIntegerWithoutSeparators) {
  const MathVistaProblem p = problem("integer", "1200");
  EXPECT_EQ(extract_mathvista_answer(p, "There are 3 rows of 400, so 1,200 in all."), "1200");
  EXPECT_TRUE(mathvista_answer_correct(p, "1200"));
  EXPECT_EQ(extract_mathvista_answer(p, "-4"), "-4");
  EXPECT_EQ(extract_mathvista_answer(p, "no idea"), "");
  EXPECT_FALSE(mathvista_answer_correct(p, "1199"));
}

TEST(MathVistaAnswer, FloatIsTheLastNumberRoundedToThePrecision) {
  MathVistaProblem p = problem("float", "1.45");
  p.precision = 2;
  EXPECT_EQ(extract_mathvista_answer(p, "About 1.4472 metres, i.e. 1.448"), "1.45");
  EXPECT_TRUE(mathvista_answer_correct(p, "1.45"));
  p.precision = 1;
  p.answer = "2.0";
  EXPECT_EQ(extract_mathvista_answer(p, "2"), "2.0");
  EXPECT_TRUE(mathvista_answer_correct(p, "2.0"));
  EXPECT_TRUE(mathvista_answer_correct(p, "2"));  // compared by value
  EXPECT_FALSE(mathvista_answer_correct(p, "2.1"));
}

TEST(MathVistaAnswer, ListIsTheNumbersInTheLastBrackets) {
  const MathVistaProblem p = problem("list", "[1, 2.5, 3]");
  EXPECT_EQ(extract_mathvista_answer(p, "First [9], then the answer: [1, 2.50, 3]"), "[1, 2.5, 3]");
  EXPECT_TRUE(mathvista_answer_correct(p, "[1, 2.5, 3]"));
  EXPECT_FALSE(mathvista_answer_correct(p, "[1, 3, 2.5]"));
  EXPECT_EQ(extract_mathvista_answer(p, "1, 2, 3"), "");
}

TEST(MathVistaAnswer, TextIsTrimmedAndComparedWithoutUnitOrCase) {
  MathVistaProblem p = problem("text", "Blue");
  EXPECT_EQ(extract_mathvista_answer(p, "  blue \n"), "blue");
  EXPECT_TRUE(mathvista_answer_correct(p, "blue"));
  EXPECT_FALSE(mathvista_answer_correct(p, "blue sky"));
  p.unit = "cm";
  p.answer = "12";
  EXPECT_TRUE(mathvista_answer_correct(p, "12 cm"));
  EXPECT_TRUE(mathvista_answer_correct(p, "12.0cm"));
  EXPECT_FALSE(mathvista_answer_correct(p, "13 cm"));
  p.unit = "";
  p.answer = "1000";
  EXPECT_TRUE(mathvista_answer_correct(p, "1,000"));
}

}  // namespace
