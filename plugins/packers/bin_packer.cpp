#include "bin_packer.hpp"

#include <utility>

#include "length_check.hpp"
#include "vlforge/error.hpp"

namespace vlforge::packers {

BinPacker::BinPacker(std::string name, PackerConfig cfg, PackingAlgorithm algorithm)
    : name_(std::move(name)), cfg_(cfg), algorithm_(algorithm) {
  if (cfg_.context <= 0)
    throw Error(name_, "context = " + std::to_string(cfg_.context) + " (needs at least one token)");
  if (cfg_.image_tokens < 0 || cfg_.image_tokens > cfg_.context)
    throw Error(name_, "image_tokens = " + std::to_string(cfg_.image_tokens) + " (must lie in [0, context = " +
                           std::to_string(cfg_.context) + "])");
}

PackPlan BinPacker::pack(std::span<const int64_t> lengths) const {
  check_lengths(name_, lengths, cfg_.context);
  return algorithm_(lengths, cfg_.context);
}

}  // namespace vlforge::packers
