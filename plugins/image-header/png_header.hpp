// The width and height in a PNG's IHDR chunk, read by libpng (signature and chunk CRCs checked).
// stb_image's header reader refuses RGB PNGs above 2^30 bytes of pixels as "too large", which
// would hide the very size a caller wants to check, so PNG headers are libpng's.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace vlforge::image_header {

struct PngSize {
  uint32_t width = 0;
  uint32_t height = 0;
};

// Reads the chunks before the first IDAT. Throws vlforge::Error at `where` with libpng's reason
// when they are damaged or the data ends before the first IDAT.
PngSize read_png_size(std::span<const uint8_t> bytes, const std::string& where);

}  // namespace vlforge::image_header
