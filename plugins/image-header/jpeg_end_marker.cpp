#include "jpeg_end_marker.hpp"

#include <cstring>

namespace vlforge::image_header {
namespace {

constexpr uint8_t kEndOfImage = 0xD9;
constexpr uint8_t kStartOfScan = 0xDA;

bool is_restart(uint8_t marker) { return marker >= 0xD0 && marker <= 0xD7; }
// TEM and RSTn stand alone; every other marker after SOI starts a segment with a 2-byte length.
bool has_length(uint8_t marker) { return marker != 0x01 && !is_restart(marker); }

// Offset of the next marker byte pair (0xFF, code) at or after `from` inside entropy-coded data,
// or bytes.size() when the data ends first. 0xFF 0x00 is a stuffed 0xFF, and restart markers
// belong to the scan.
size_t next_marker_after_scan(std::span<const uint8_t> bytes, size_t from) {
  size_t p = from;
  while (p < bytes.size()) {
    const void* hit = std::memchr(bytes.data() + p, 0xFF, bytes.size() - p);
    if (hit == nullptr) return bytes.size();
    p = static_cast<size_t>(static_cast<const uint8_t*>(hit) - bytes.data());
    if (p + 1 >= bytes.size()) return bytes.size();
    const uint8_t code = bytes[p + 1];
    if (code == 0x00 || is_restart(code) || code == 0xFF) {
      p += code == 0xFF ? 1 : 2;  // 0xFF 0xFF: fill before a marker
      continue;
    }
    return p;
  }
  return bytes.size();
}

}  // namespace

bool jpeg_reaches_end_marker(std::span<const uint8_t> bytes) {
  size_t p = 2;  // after SOI
  while (p < bytes.size()) {
    if (bytes[p] != 0xFF) {
      // Stray bytes between segments: libjpeg skips them to the next marker, and so does this.
      const void* hit = std::memchr(bytes.data() + p, 0xFF, bytes.size() - p);
      if (hit == nullptr) return false;
      p = static_cast<size_t>(static_cast<const uint8_t*>(hit) - bytes.data());
    }
    while (p < bytes.size() && bytes[p] == 0xFF) ++p;  // the marker and any fill bytes
    if (p >= bytes.size()) return false;
    const uint8_t marker = bytes[p++];
    if (marker == kEndOfImage) return true;
    if (!has_length(marker)) continue;
    if (p + 2 > bytes.size()) return false;
    const size_t length = (static_cast<size_t>(bytes[p]) << 8) | bytes[p + 1];
    if (length < 2) return false;
    p += length;
    if (marker == kStartOfScan) p = next_marker_after_scan(bytes, p);
  }
  return false;
}

}  // namespace vlforge::image_header
