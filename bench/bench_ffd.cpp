// packer/ffd (loaded from its plugin) against a plain first-fit-decreasing that scans every open
// sequence for each sample, measured in the same run. Lengths are Open-Qwen2VL pre-training
// samples: a caption of 20..80 tokens, 144 image tokens, a newline and <|im_end|>; context 4096.
// The scanning reference is O(n * sequences), so it runs on a smaller input; the plugin runs on
// that same input too (and must give the same sequences), so the per-sample rates compare like
// with like. Also times whole-input packing of N samples and per-shard packing (10k samples each,
// as the pack stage does) with packer/ffd and packer/ffd-refine.
//
//   bench_ffd [N [N_REFERENCE]]   defaults 2000000 and 50000
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "plugin_host.hpp"
#include "recipe.hpp"
#include "recipe_resolver.hpp"
#include "vlforge/context.hpp"
#include "vlforge/error.hpp"
#include "vlforge/interfaces/packer.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int64_t kContext = 4096;
constexpr int64_t kShard = 10000;

using Bins = std::vector<std::vector<int64_t>>;

std::vector<int64_t> caption_lengths(size_t n) {
  std::mt19937_64 rng(2504);
  std::uniform_int_distribution<int64_t> caption(20, 80);
  std::vector<int64_t> lengths(n);
  for (auto& l : lengths) l = caption(rng) + 144 + 2;
  return lengths;
}

Bins scanning_ffd(const std::vector<int64_t>& lengths) {
  std::vector<int64_t> order(lengths.size());
  std::iota(order.begin(), order.end(), int64_t{0});
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return lengths[a] > lengths[b]; });
  Bins bins;
  std::vector<int64_t> room;
  for (const int64_t i : order) {
    size_t b = 0;
    while (b < bins.size() && room[b] < lengths[i]) ++b;
    if (b == bins.size()) {
      bins.emplace_back();
      room.push_back(kContext);
    }
    bins[b].push_back(i);
    room[b] -= lengths[i];
  }
  return bins;
}

template <class F>
double seconds_of(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Seconds to pack `lengths` shard by shard; `sequences` gets the total.
double per_shard(const vlforge::Packer& packer, std::span<const int64_t> lengths, size_t& sequences) {
  sequences = 0;
  return seconds_of([&] {
    for (size_t start = 0; start < lengths.size(); start += kShard) {
      const size_t count = std::min<size_t>(kShard, lengths.size() - start);
      sequences += packer.pack(lengths.subspan(start, count)).bins.size();
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const size_t n = argc > 1 ? std::stoul(argv[1]) : 2000000;
    const size_t n_reference = argc > 2 ? std::stoul(argv[2]) : 50000;
    vlforge::host::PluginHost plugins({fs::path(VLFORGE_BENCH_PLUGIN_DIR)});
    vlforge::Context context(vlforge::ContextOptions{}, &plugins.registry());
    const auto make = [&](const std::string& toml) {
      return context.create<vlforge::Packer>(
          vlforge::host::resolve_component(vlforge::host::parse_toml(toml, "bench component"), plugins, "packer"));
    };
    const auto ffd = make("use = \"packer/ffd\"\ncontext = 4096\n");
    const auto refine = make("use = \"packer/ffd-refine\"\ncontext = 4096\n");

    const std::vector<int64_t> small = caption_lengths(n_reference);
    Bins reference_bins, plugin_bins;
    const double reference_s = seconds_of([&] { reference_bins = scanning_ffd(small); });
    const double plugin_small_s = seconds_of([&] { plugin_bins = ffd->pack(small).bins; });
    if (plugin_bins != reference_bins) throw vlforge::Error("bench_ffd", "packer/ffd differs from the scanning FFD");
    const double reference_rate = static_cast<double>(n_reference) / reference_s;
    const double plugin_small_rate = static_cast<double>(n_reference) / plugin_small_s;
    std::printf("%zu samples, %zu sequences:\n", n_reference, reference_bins.size());
    std::printf("  scanning FFD   %9.4f s  %12.0f samples/s\n", reference_s, reference_rate);
    std::printf("  packer/ffd     %9.4f s  %12.0f samples/s  (%.1fx)\n", plugin_small_s, plugin_small_rate,
                plugin_small_rate / reference_rate);

    const std::vector<int64_t> lengths = caption_lengths(n);
    size_t whole_sequences = 0;
    const double whole_s = seconds_of([&] { whole_sequences = ffd->pack(lengths).bins.size(); });
    const double whole_rate = static_cast<double>(n) / whole_s;
    std::printf("%zu samples in one call, %zu sequences:\n", n, whole_sequences);
    std::printf("  packer/ffd     %9.4f s  %12.0f samples/s  (%.1fx the scanning FFD's rate at %zu samples)\n",
                whole_s, whole_rate, whole_rate / reference_rate, n_reference);

    size_t ffd_sequences = 0, refine_sequences = 0;
    const double ffd_shards_s = per_shard(*ffd, lengths, ffd_sequences);
    const double refine_shards_s = per_shard(*refine, lengths, refine_sequences);
    std::printf("%zu samples in shards of %lld:\n", n, static_cast<long long>(kShard));
    std::printf("  packer/ffd        %9.4f s  %12.0f samples/s  %zu sequences\n", ffd_shards_s,
                static_cast<double>(n) / ffd_shards_s, ffd_sequences);
    std::printf("  packer/ffd-refine %9.4f s  %12.0f samples/s  %zu sequences\n", refine_shards_s,
                static_cast<double>(n) / refine_shards_s, refine_sequences);
    return 0;
  } catch (const vlforge::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
