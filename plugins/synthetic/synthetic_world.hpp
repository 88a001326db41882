// The synthetic image-caption world: sample i is a pure function of (seed, i).
//
// Most samples are clean (a rendered Scene and its true caption). A `noise_fraction` of them get a
// web-style corrupted caption, and a `duplicate_fraction` re-emit an earlier sample of the same
// shard (same uid, image and caption), so that scoring, filtering and dedup have something to do.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vlforge/sample.hpp"

namespace vlforge::synthetic {

struct WorldConfig {
  int64_t samples = 2000;
  int64_t shards = 4;
  int64_t image_size = 32;
  int64_t seed = 0;
  double noise_fraction = 0.2;
  double duplicate_fraction = 0.05;
};

enum class SampleKind { clean, empty, repeated, junk, mismatched, duplicate };

std::string_view kind_name(SampleKind kind);

class SyntheticWorld {
 public:
  // Throws vlforge::Error when the config is inconsistent (e.g. more shards than samples).
  explicit SyntheticWorld(WorldConfig cfg);

  int64_t shard_count() const { return cfg_.shards; }
  // Global index range [begin, end) of a shard; shards differ in size by at most one sample.
  int64_t shard_begin(int64_t shard) const;
  int64_t shard_end(int64_t shard) const { return shard_begin(shard + 1); }

  SampleKind kind(int64_t index) const { return plan(index).kind; }
  void sample(int64_t index, Sample& out) const;

 private:
  struct Plan {
    SampleKind kind = SampleKind::clean;
    int64_t original = -1;  // duplicates: the sample whose content is re-emitted
  };
  // The plan as drawn; a duplicate's `original` may itself be a duplicate.
  Plan draw_plan(int64_t index) const;
  // The plan with a duplicate's `original` followed back to a non-duplicate.
  Plan plan(int64_t index) const;
  int64_t shard_of(int64_t index) const;
  std::string uid(int64_t index) const;
  // Everything but key and json, for a non-duplicate sample.
  void content(int64_t index, SampleKind kind, Sample& out) const;

  WorldConfig cfg_;
};

}  // namespace vlforge::synthetic
