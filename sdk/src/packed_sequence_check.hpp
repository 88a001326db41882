// Whether a packed sequence is consistent with its shard's meta: the documents' expanded token
// counts add up to the ids with every placeholder expanded, each document holds as many
// placeholders as it says it has images, no placeholder run straddles two documents, and the
// whole fits the context. The writer refuses such a sequence and the reader reports it, so the
// loader can rely on all of it.
#pragma once

#include <optional>
#include <string>

#include "vlforge/packed_shard.hpp"

namespace vlforge {

// What is wrong, or nothing.
std::optional<std::string> packed_sequence_problem(const PackedSequence& sequence, const PackedShardMeta& meta);

}  // namespace vlforge
