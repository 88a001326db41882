// Base64 decoding against RFC 4648's test vectors, and its errors.
#include <gtest/gtest.h>

#include <string>

#include "base64.hpp"
#include "error_text.hpp"

using vlforge::mcq_eval::decode_base64;
using vlforge::test::error_of;

namespace {

std::string decoded(const std::string& text) {
  const auto bytes = decode_base64(text, "test");
  return std::string(bytes.begin(), bytes.end());
}

TEST(Base64, DecodesTheRfc4648Vectors) {
  EXPECT_EQ(decoded("Zg=="), "f");
  EXPECT_EQ(decoded("Zm8="), "fo");
  EXPECT_EQ(decoded("Zm9v"), "foo");
  EXPECT_EQ(decoded("Zm9vYg=="), "foob");
  EXPECT_EQ(decoded("Zm9vYmE="), "fooba");
  EXPECT_EQ(decoded("Zm9vYmFy"), "foobar");
  const auto png = decode_base64("iVBORw0KGgo=", "test");  // the PNG signature
  EXPECT_EQ(png, (std::vector<uint8_t>{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}));
  EXPECT_EQ(decoded("+/+/"), "\xfb\xff\xbf");
}

TEST(Base64, RejectsWhatIsNotBase64) {
  EXPECT_EQ(error_of([] { decode_base64("", "f.tsv:3: image"); }), "f.tsv:3: image: invalid base64: no data");
  EXPECT_EQ(error_of([] { decode_base64("Zm9", "x"); }), "x: invalid base64: length 3 is not a multiple of 4");
  EXPECT_EQ(error_of([] { decode_base64("Zm$v", "x"); }), "x: invalid base64: character 2 is not in the base64 alphabet");
}

}  // namespace
