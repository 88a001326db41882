#include <gtest/gtest.h>

#include "vlforge/schema.hpp"

namespace {

struct Config {
  int64_t steps = 10;
  double lr = 1e-4;
  std::string mode = "fast";
  std::vector<std::string> tags;
  vlforge::ComponentSpec scorer;
  bool flag = false;
};

vlforge::Schema<Config> schema() {
  vlforge::Schema<Config> s("test");
  s.field("steps", &Config::steps, "optimiser steps").range(1, 100);
  s.field("lr", &Config::lr, "learning rate").min(0);
  s.field("mode", &Config::mode, "speed").choices({"fast", "slow"});
  s.field("tags", &Config::tags, "labels");
  s.field("scorer", &Config::scorer, "a scorer").kind("scorer");
  s.field("flag", &Config::flag, "a switch");
  return s;
}

}  // namespace

TEST(Schema, DefaultsComeFromTheStructAndSummariesSayThem) {
  const auto s = schema();
  const auto* steps = s.spec().find("steps");
  ASSERT_NE(steps, nullptr);
  EXPECT_EQ(steps->default_value.as_int(), 10);
  EXPECT_EQ(steps->summary(), "integer in [1, 100], default 10");
  EXPECT_EQ(s.spec().find("mode")->summary(), "string, one of fast, slow, default \"fast\"");
  // A component field without a default spec is required.
  EXPECT_TRUE(s.spec().find("scorer")->required);
  EXPECT_EQ(s.spec().find("scorer")->summary(), "component of kind scorer, required");
}

TEST(Schema, BindCopiesValuesIntoTheStruct) {
  const auto s = schema();
  vlforge::Value t(vlforge::Value::Table{});
  t.set("steps", vlforge::Value(int64_t{42}));
  t.set("lr", vlforge::Value(0.5));
  t.set("tags", vlforge::Value(vlforge::Value::Array{vlforge::Value("a"), vlforge::Value("b")}));
  vlforge::Value scorer(vlforge::Value::Table{});
  scorer.set("use", vlforge::Value("scorer/constant"));
  scorer.set("value", vlforge::Value(2.0));
  t.set("scorer", scorer);
  const Config c = s.bind(t);
  EXPECT_EQ(c.steps, 42);
  EXPECT_EQ(c.lr, 0.5);
  EXPECT_EQ(c.mode, "fast");  // absent: the struct default stays
  EXPECT_EQ(c.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.scorer.use(), "scorer/constant");
  EXPECT_EQ(c.scorer.config.to_string(), "{value = 2.0}");
}
