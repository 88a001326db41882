// The order of one epoch of a conversation index, as global micro-batches: a function of (seed,
// epoch) and the index alone, never of the number of ranks, so every rank computes the same
// order and takes its own micro-batches from it.
#pragma once

#include <cstdint>
#include <vector>

#include "vlforge/conversation_data.hpp"

namespace vlforge {

struct ConversationOrderOptions {
  uint64_t seed = 0;
  int64_t epoch = 0;
  int64_t rows = 1;            // samples per micro-batch
  int64_t max_length = 0;      // longer samples are left out
  bool group_by_length = false;
  int64_t group_size = 1024;   // rounded up to a multiple of rows
};

// Sample numbers, micro-batch g holding entries [g * rows, (g + 1) * rows); a last micro-batch
// with fewer rows is left out.
std::vector<uint32_t> conversation_order(const ConversationIndex& index, const ConversationOrderOptions& options);

// Samples within max_length, the ones an epoch draws from.
int64_t conversation_order_samples(const ConversationIndex& index, int64_t max_length);

}  // namespace vlforge
