#include "synthetic_world.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include "ppm_encoder.hpp"
#include "scene.hpp"
#include "shape_renderer.hpp"
#include "splitmix64.hpp"
#include "vlforge/error.hpp"

namespace vlforge::synthetic {

namespace {

// One stream per purpose (see stream()): adding a purpose never shifts the others.
enum Purpose : uint64_t { kUid = 1, kPlan = 2, kScene = 3, kNoise = 4, kMismatch = 5 };

constexpr std::array<SampleKind, 4> kNoiseKinds{SampleKind::empty, SampleKind::repeated, SampleKind::junk,
                                                SampleKind::mismatched};

// Web spam words, so that a repeated caption is not always a word of the true caption.
constexpr std::array<std::string_view, 6> kSpamWords{"image", "photo", "stock", "free", "download", "best"};

// Letters never appear here: junk must read as non-text to a caption filter.
constexpr std::string_view kJunkBytes = "0123456789#$%&*+-=/\\|_~^@!?.:;<>[]{}()";

std::string repeated_caption(const Scene& scene, SplitMix64& rng) {
  std::vector<std::string_view> words(kSpamWords.begin(), kSpamWords.end());
  for (const Shape& s : scene.shapes) {
    words.push_back(kPalette[s.colour].name);
    words.push_back(shape_name(s.kind));
  }
  const std::string_view word = words[rng.below(words.size())];
  const uint64_t times = 6 + rng.below(15);
  std::string out;
  for (uint64_t i = 0; i < times; ++i) {
    if (i > 0) out += ' ';
    out += word;
  }
  return out;
}

std::string junk_caption(SplitMix64& rng) {
  const uint64_t length = 8 + rng.below(33);
  std::string out;
  for (uint64_t i = 0; i < length; ++i) {
    const bool space = i > 0 && i + 1 < length && out.back() != ' ' && rng.below(6) == 0;
    out += space ? ' ' : kJunkBytes[rng.below(kJunkBytes.size())];
  }
  return out;
}

std::string mismatched_caption(const std::string& truth, SplitMix64& rng) {
  // Captions of random scenes almost never coincide; the loop makes "different" certain.
  std::string other;
  for (int attempt = 0; attempt < 64; ++attempt) {
    other = describe(random_scene(rng));
    if (other != truth) break;
  }
  return other;
}

std::string padded(int64_t value, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(value));
  return buf;
}

}  // namespace

std::string_view kind_name(SampleKind kind) {
  switch (kind) {
    case SampleKind::clean: return "clean";
    case SampleKind::empty: return "empty";
    case SampleKind::repeated: return "repeated";
    case SampleKind::junk: return "junk";
    case SampleKind::mismatched: return "mismatched";
    case SampleKind::duplicate: return "duplicate";
  }
  return "unknown";
}

SyntheticWorld::SyntheticWorld(WorldConfig cfg) : cfg_(cfg) {
  const std::string where = "dataset/synthetic";
  if (cfg_.samples < 1) throw Error(where, "samples = " + std::to_string(cfg_.samples) + " (must be at least 1)");
  if (cfg_.shards < 1 || cfg_.shards > cfg_.samples)
    throw Error(where, "shards = " + std::to_string(cfg_.shards) + " for " + std::to_string(cfg_.samples) +
                           " samples (must be between 1 and the number of samples)");
  if (cfg_.image_size < 8 || cfg_.image_size > 512)
    throw Error(where, "image_size = " + std::to_string(cfg_.image_size) + " (must be in [8, 512])");
  if (!(cfg_.noise_fraction >= 0 && cfg_.noise_fraction <= 1) ||
      !(cfg_.duplicate_fraction >= 0 && cfg_.duplicate_fraction <= 1))
    throw Error(where, "noise_fraction and duplicate_fraction must be in [0, 1]");
}

int64_t SyntheticWorld::shard_begin(int64_t shard) const {
  const int64_t base = cfg_.samples / cfg_.shards, extra = cfg_.samples % cfg_.shards;
  return shard * base + std::min(shard, extra);
}

int64_t SyntheticWorld::shard_of(int64_t index) const {
  const int64_t base = cfg_.samples / cfg_.shards, extra = cfg_.samples % cfg_.shards;
  const int64_t in_big = extra * (base + 1);  // the first `extra` shards hold one more sample
  return index < in_big ? index / (base + 1) : extra + (index - in_big) / base;
}

SyntheticWorld::Plan SyntheticWorld::draw_plan(int64_t index) const {
  // A fixed number of draws in a fixed order, so that one fraction never shifts another's draws.
  SplitMix64 rng = stream(static_cast<uint64_t>(cfg_.seed), static_cast<uint64_t>(index), kPlan);
  const double dup_draw = rng.unit(), noise_draw = rng.unit();
  const uint64_t noise_kind = rng.below(kNoiseKinds.size()), target = rng.next();
  const int64_t begin = shard_begin(shard_of(index));
  if (index > begin && dup_draw < cfg_.duplicate_fraction)
    return {SampleKind::duplicate, begin + static_cast<int64_t>(target % static_cast<uint64_t>(index - begin))};
  if (noise_draw < cfg_.noise_fraction) return {kNoiseKinds[noise_kind], -1};
  return {};
}

SyntheticWorld::Plan SyntheticWorld::plan(int64_t index) const {
  Plan p = draw_plan(index);
  if (p.kind != SampleKind::duplicate) return p;
  // Originals lie strictly earlier in the shard, so this ends.
  for (Plan up = draw_plan(p.original); up.kind == SampleKind::duplicate; up = draw_plan(p.original))
    p.original = up.original;
  return p;
}

std::string SyntheticWorld::uid(int64_t index) const {
  SplitMix64 rng = stream(static_cast<uint64_t>(cfg_.seed), static_cast<uint64_t>(index), kUid);
  const uint64_t hi = rng.next(), lo = rng.next();
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(hi),
                static_cast<unsigned long long>(lo));
  return buf;
}

void SyntheticWorld::content(int64_t index, SampleKind kind, Sample& out) const {
  const auto seed = static_cast<uint64_t>(cfg_.seed);
  const auto i = static_cast<uint64_t>(index);
  SplitMix64 scene_rng = stream(seed, i, kScene);
  const Scene scene = random_scene(scene_rng);
  const int size = static_cast<int>(cfg_.image_size);
  out.uid = uid(index);
  out.image = encode_ppm(render(scene, size), size, size);
  out.image_format = "ppm";
  SplitMix64 noise_rng = stream(seed, i, kNoise);
  switch (kind) {
    case SampleKind::empty: out.text.clear(); break;
    case SampleKind::repeated: out.text = repeated_caption(scene, noise_rng); break;
    case SampleKind::junk: out.text = junk_caption(noise_rng); break;
    case SampleKind::mismatched: {
      SplitMix64 other_rng = stream(seed, i, kMismatch);
      out.text = mismatched_caption(describe(scene), other_rng);
      break;
    }
    case SampleKind::clean:
    case SampleKind::duplicate: out.text = describe(scene); break;
  }
}

void SyntheticWorld::sample(int64_t index, Sample& out) const {
  if (index < 0 || index >= cfg_.samples)
    throw Error("dataset/synthetic", "sample index " + std::to_string(index) + " out of range [0, " +
                                         std::to_string(cfg_.samples) + ")");
  const Plan p = plan(index);
  if (p.kind == SampleKind::duplicate)
    content(p.original, plan(p.original).kind, out);
  else
    content(index, p.kind, out);
  out.key = padded(index, 8);
  out.json = "{\"uid\": \"" + out.uid + "\", \"noise\": " + (p.kind == SampleKind::clean ? "false" : "true") +
             ", \"kind\": \"" + std::string(kind_name(p.kind)) + "\"}";
}

}  // namespace vlforge::synthetic
