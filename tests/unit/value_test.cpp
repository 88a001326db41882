#include <gtest/gtest.h>

#include "vlforge/error.hpp"
#include "vlforge/value.hpp"

using vlforge::Value;

TEST(Value, CanonicalTextKeepsOrderAndRoundTripsFloats) {
  Value t(Value::Table{});
  t.set("b", Value(int64_t{2}));
  t.set("a", Value(0.1));
  t.set("s", Value("x \"y\"\n"));
  t.set("l", Value(Value::Array{Value(true), Value(int64_t{-3})}));
  EXPECT_EQ(t.to_string(), "{b = 2, a = 0.1, s = \"x \\\"y\\\"\\n\", l = [true, -3]}");
  EXPECT_EQ(Value(2.0).to_string(), "2.0");
  // Shortest text that reads back as the same double.
  EXPECT_EQ(Value(0.1 + 0.2).to_string(), "0.30000000000000004");
  EXPECT_EQ(Value(1e-5).to_string(), "1e-05");
  EXPECT_EQ(std::stod(Value(1e-5).to_string()), 1e-5);
}

TEST(Value, TypedAccessNamesThePosition) {
  Value v(int64_t{3}, vlforge::SourceLocation{"r.toml", 4, 7});
  EXPECT_EQ(v.as_double(), 3.0);
  try {
    (void)v.as_string();
    FAIL() << "expected an error";
  } catch (const vlforge::Error& e) {
    EXPECT_STREQ(e.what(), "r.toml:4:7: expected string, got integer");
  }
}

TEST(Value, SetReplacesInPlaceAndEraseRemoves) {
  Value t(Value::Table{});
  t.set("a", Value(int64_t{1}));
  t.set("b", Value(int64_t{2}));
  t.set("a", Value(int64_t{3}));
  EXPECT_EQ(t.to_string(), "{a = 3, b = 2}");
  EXPECT_TRUE(t.erase("a"));
  EXPECT_FALSE(t.erase("a"));
  EXPECT_EQ(t.find("a"), nullptr);
  EXPECT_EQ(t.find("b")->as_int(), 2);
}
