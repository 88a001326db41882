#include "conversation_order.hpp"

#include <algorithm>

#include "order_rng.hpp"

namespace vlforge {

namespace {

constexpr uint64_t kSampleStream = 0;      // the shuffle of the samples
constexpr uint64_t kMicrobatchStream = 1;  // the shuffle of the length-grouped micro-batches

}  // namespace

int64_t conversation_order_samples(const ConversationIndex& index, int64_t max_length) {
  int64_t n = 0;
  for (int64_t i = 0; i < index.size(); ++i) n += index.length(i) <= max_length ? 1 : 0;
  return n;
}

std::vector<uint32_t> conversation_order(const ConversationIndex& index, const ConversationOrderOptions& o) {
  std::vector<uint32_t> samples;
  samples.reserve(static_cast<size_t>(index.size()));
  for (int64_t i = 0; i < index.size(); ++i)
    if (index.length(i) <= o.max_length) samples.push_back(static_cast<uint32_t>(i));
  OrderRng(o.seed, static_cast<uint64_t>(o.epoch), kSampleStream).shuffle(samples);

  const auto rows = static_cast<size_t>(o.rows);
  const size_t batches = samples.size() / rows;
  if (!o.group_by_length) {
    samples.resize(batches * rows);
    return samples;
  }

  // Groups of whole micro-batches, so no micro-batch mixes the tail of one group with the head
  // of the next.
  const size_t group = (static_cast<size_t>(std::max<int64_t>(o.group_size, 1)) + rows - 1) / rows * rows;
  for (size_t begin = 0; begin < samples.size(); begin += group) {
    const auto first = samples.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last = samples.begin() + static_cast<std::ptrdiff_t>(std::min(samples.size(), begin + group));
    std::stable_sort(first, last, [&](uint32_t a, uint32_t b) { return index.length(a) > index.length(b); });
  }
  std::vector<uint32_t> batch_order(batches);
  for (size_t g = 0; g < batches; ++g) batch_order[g] = static_cast<uint32_t>(g);
  OrderRng(o.seed, static_cast<uint64_t>(o.epoch), kMicrobatchStream).shuffle(batch_order);

  std::vector<uint32_t> out;
  out.reserve(batches * rows);
  for (uint32_t g : batch_order)
    for (size_t r = 0; r < rows; ++r) out.push_back(samples[g * rows + r]);
  return out;
}

}  // namespace vlforge
