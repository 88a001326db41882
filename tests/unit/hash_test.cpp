#include <gtest/gtest.h>

#include "vlforge/hash.hpp"

using vlforge::StableHash;

TEST(StableHash, MatchesFnv1aOverBytesThenLength) {
  // Reference values: FNV-1a 64 over the bytes followed by the 8-byte little-endian length,
  // computed independently (Python). Markers written on one machine must match on another.
  EXPECT_EQ(StableHash().value(), 14695981039346656037ULL);
  EXPECT_EQ(StableHash().add("a").hex(), "dedf9f982e43402d");
  EXPECT_EQ(StableHash().add("recipe").hex(), "6775e672491f8f29");
}

TEST(StableHash, IsLengthDelimited) {
  EXPECT_NE(StableHash().add("ab").add("c").value(), StableHash().add("a").add("bc").value());
  EXPECT_NE(StableHash().add(uint64_t{1}).value(), StableHash().add(uint64_t{2}).value());
}
