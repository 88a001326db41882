// Reading an encoded image's format and size from its header, without decoding any pixel, so a
// 20000x20000 image is refused by size before memory is spent on it. The format is told by the
// leading bytes (never by a file name); the size comes from the maintained decoders' own header
// readers: stb_image (jpg, gif, bmp, pgm/ppm), libpng (png), libwebp (webp).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "vlforge/interfaces/image_codec.hpp"

namespace vlforge::image_header {

// The formats read_image_header knows, as they appear in messages.
inline constexpr const char* kKnownFormats = "jpg, png, webp, gif, bmp, pgm, ppm";

// -> format ("jpg", "png", "webp", "gif", "bmp", "pgm", "ppm"), width and height. Throws
// vlforge::Error at `where` for empty data, another format, or a damaged header.
ImageInfo read_image_header(std::span<const uint8_t> bytes, const std::string& where);

}  // namespace vlforge::image_header
