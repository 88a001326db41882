// One Packer for every algorithm of this plugin: holds the config, checks the lengths, runs the
// algorithm it was built with.
#pragma once

#include <string>

#include "packer_config.hpp"
#include "packing_algorithm.hpp"
#include "vlforge/interfaces/packer.hpp"

namespace vlforge::packers {

class BinPacker final : public Packer {
 public:
  // `name`, e.g. "packer/ffd", prefixes error messages.
  BinPacker(std::string name, PackerConfig cfg, PackingAlgorithm algorithm);

  int64_t context() const override { return cfg_.context; }
  int64_t image_tokens() const override { return cfg_.image_tokens; }
  PackPlan pack(std::span<const int64_t> lengths) const override;

 private:
  std::string name_;
  PackerConfig cfg_;
  PackingAlgorithm algorithm_;
};

}  // namespace vlforge::packers
