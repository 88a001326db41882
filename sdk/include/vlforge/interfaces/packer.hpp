// Interface of kind `packer`: groups samples into sequences of at most `context()` tokens
// (first-fit-decreasing, best-fit-decreasing, one per sequence).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/export.hpp"

namespace vlforge {

struct PackPlan {
  std::vector<std::vector<int64_t>> bins;  // indices into the input, per sequence
};

class VLFORGE_API Packer : public Component {
 public:
  static constexpr std::string_view kind = "packer";
  ~Packer() override;

  virtual int64_t context() const = 0;       // sequence length, tokens (4096)
  virtual int64_t image_tokens() const = 0;  // tokens an image counts for (144)
  // lengths[i] = multimodal length of sample i, each <= context(). Every index appears in
  // exactly one bin.
  virtual PackPlan pack(std::span<const int64_t> lengths) const = 0;
};

}  // namespace vlforge
