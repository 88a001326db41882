// The byte layout of a packed shard (NAME.vlpack), shared by its writer and reader and described
// for users in docs/data-formats.md. Everything is little-endian.
//
//   [0, 64)              header: magic, version, checksums, where the meta and the index are
//   [64, 64 + meta)      meta, a JSON object (context, image_tokens, image_token_id, tokenizer, source)
//   records              one per sequence, back to back
//   [index, index + 16n) index: per sequence u64 record offset, u32 record CRC-32, u32 zero
//
// A record runs from its offset to the next record's offset (the last one to the index):
//   u32 ids, u32 documents, u32 images, u32 zero
//   i32 input_ids[ids]
//   per document: u32 uid length, uid bytes, i64 tokens, i64 images, i64 loss_from
//   per image:    u32 format length, format bytes, u64 byte length, bytes
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace vlforge::packed_layout {

inline constexpr unsigned char kMagic[8] = {'V', 'L', 'P', 'A', 'C', 'K', '\r', '\n'};
inline constexpr uint32_t kVersion = 1;

inline constexpr uint64_t kHeaderSize = 64;
// Header fields, by offset.
inline constexpr uint64_t kMagicAt = 0;
inline constexpr uint64_t kVersionAt = 8;
inline constexpr uint64_t kHeaderCrcAt = 12;  // CRC-32 of header bytes [16, 64) then the meta
inline constexpr uint64_t kMetaLengthAt = 16;
inline constexpr uint64_t kSequencesAt = 24;
inline constexpr uint64_t kIndexAt = 32;
inline constexpr uint64_t kIndexCrcAt = 40;  // u32 CRC-32 of the whole index, then u32 zero
inline constexpr uint64_t kFileSizeAt = 48;
inline constexpr uint64_t kReservedAt = 56;  // u64 zero

inline constexpr uint64_t kIndexEntrySize = 16;
inline constexpr uint64_t kRecordHeaderSize = 16;

inline void put_u32(unsigned char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
inline void put_u64(unsigned char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
inline uint32_t get_u32(const unsigned char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline uint64_t get_u64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace vlforge::packed_layout
