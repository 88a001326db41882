// A stable 64-bit content hash (FNV-1a), the same on every run and machine: used for completion
// markers and change detection, not for security.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vlforge/export.hpp"

namespace vlforge {

class VLFORGE_API StableHash {
 public:
  StableHash& add(std::string_view bytes);
  StableHash& add(uint64_t v);
  uint64_t value() const noexcept { return state_; }
  std::string hex() const;  // 16 lowercase hex digits

 private:
  uint64_t state_ = 14695981039346656037ULL;
};

}  // namespace vlforge
