#include <gtest/gtest.h>

#include "vlforge/error.hpp"
#include "vlforge/json_config.hpp"
#include "error_text.hpp"

using vlforge::test::error_of;

using vlforge::JsonConfig;

TEST(JsonConfig, ReadsTypedKeysWithFallbacks) {
  const auto c = JsonConfig::parse(
      R"({"hidden_size": 64, "rope_theta": 1000000.0, "tie": true, "name": "qwen2", "ids": [1, 2],
          "rope_scaling": null, "vision_config": {"patch_size": 14}})",
      "config.json");
  EXPECT_EQ(c.get_int("hidden_size"), 64);
  EXPECT_EQ(c.get_double("hidden_size"), 64.0);  // integers read as numbers
  EXPECT_EQ(c.get_double("rope_theta"), 1e6);
  EXPECT_TRUE(c.get_bool("tie"));
  EXPECT_EQ(c.get_string("name"), "qwen2");
  EXPECT_EQ(c.get_int_list("ids"), (std::vector<int64_t>{1, 2}));
  EXPECT_FALSE(c.has("rope_scaling"));  // null counts as absent
  EXPECT_EQ(c.get_int("missing", 7), 7);
  EXPECT_EQ(c.sub("vision_config").get_int("patch_size"), 14);
  EXPECT_FALSE(c.find_sub("text_config").has_value());
}

TEST(JsonConfig, ErrorsNameTheFileAndKey) {
  const auto c = JsonConfig::parse(R"({"hidden_size": "64", "v": {}})", "m/config.json");
  EXPECT_EQ(error_of([&] { c.get_int("hidden_size"); }), "m/config.json: key 'hidden_size' must be an integer, got \"64\"");
  EXPECT_EQ(error_of([&] { c.get_int("layers"); }), "m/config.json: missing key 'layers'");
  EXPECT_EQ(error_of([&] { c.sub("v").get_int("x"); }), "m/config.json: v: missing key 'x'");
  EXPECT_EQ(error_of([&] { c.get_int("hidden_size", 3); }), "m/config.json: key 'hidden_size' must be an integer, got \"64\"");
  EXPECT_NE(error_of([] { JsonConfig::parse("{", "bad.json"); }).find("bad.json: malformed JSON: "), std::string::npos);
  EXPECT_EQ(error_of([] { JsonConfig::load("/nonexistent/config.json"); }), "/nonexistent/config.json: cannot open");
}
