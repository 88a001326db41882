#include "vlforge/hash.hpp"

#include <cstdio>

namespace vlforge {

namespace {
constexpr uint64_t kPrime = 1099511628211ULL;
}

StableHash& StableHash::add(std::string_view bytes) {
  for (unsigned char c : bytes) {
    state_ ^= c;
    state_ *= kPrime;
  }
  // Length-delimit so that ("ab","c") and ("a","bc") differ.
  add(static_cast<uint64_t>(bytes.size()));
  return *this;
}

StableHash& StableHash::add(uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    state_ ^= (v >> (8 * i)) & 0xffu;
    state_ *= kPrime;
  }
  return *this;
}

std::string StableHash::hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(state_));
  return buf;
}

}  // namespace vlforge
