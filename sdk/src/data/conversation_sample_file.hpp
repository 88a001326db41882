// One pre-tokenised conversation of an index, samples/NNNNNN/NNNNNNNNN.bin, little-endian:
//
//   "VLCS" | u32 version (1) | u32 id bytes | u32 ids | u32 images
//   id (UTF-8) | i32 ids[ids] | u8 loss_mask[ids] | per image: u32 path bytes, path (UTF-8)
//   u32 CRC-32 of everything before it
//
// Written by the index builder, read (and checked) by ConversationIndex::read.
#pragma once

#include <filesystem>

#include "vlforge/conversation_data.hpp"

namespace vlforge {

void write_conversation_sample(const std::filesystem::path& file, const IndexedConversation& sample);
IndexedConversation read_conversation_sample(const std::filesystem::path& file);

}  // namespace vlforge
