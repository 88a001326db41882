#include <gtest/gtest.h>

#include "vlforge/did_you_mean.hpp"

using namespace vlforge;

TEST(EditDistance, MatchesHandComputedValues) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("lerning_rate", "learning_rate"), 1u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
}

TEST(ClosestMatch, SuggestsTyposOnly) {
  const std::vector<std::string> keys = {"learning_rate", "weight_decay", "warmup"};
  EXPECT_EQ(closest_match("lerning_rate", keys).value(), "learning_rate");
  EXPECT_EQ(closest_match("warmpu", keys).value(), "warmup");
  EXPECT_FALSE(closest_match("batch", keys).has_value());
}

TEST(SuggestionSuffix, ListsCandidatesWhenNothingIsClose) {
  EXPECT_EQ(suggestion_suffix("lr", {"alpha", "beta"}), " (valid: alpha, beta)");
  EXPECT_EQ(suggestion_suffix("alpah", {"alpha", "beta"}), " (did you mean 'alpha'?)");
  EXPECT_EQ(suggestion_suffix("x", {}), "");
}
