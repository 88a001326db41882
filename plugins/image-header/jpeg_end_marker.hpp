// Whether a JPEG runs to its end-of-image marker. Decoders fill a JPEG cut short (a partial
// download) with grey and report success; PIL refuses it ("image file is truncated"). Walking the
// marker segments finds the cut without decoding: segments are skipped by their length (so an EXIF
// thumbnail's own end marker is not taken for the image's), entropy-coded data up to the next
// marker that is not a restart marker or a stuffed 0xFF 0x00 (ITU T.81, B.1.1).
#pragma once

#include <cstdint>
#include <span>

namespace vlforge::image_header {

// `bytes` starts with the SOI marker (FF D8).
bool jpeg_reaches_end_marker(std::span<const uint8_t> bytes);

}  // namespace vlforge::image_header
