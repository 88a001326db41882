#include "image_header.hpp"

#include <stb_image.h>
#include <webp/decode.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <string_view>

#include "png_header.hpp"
#include "vlforge/error.hpp"

namespace vlforge::image_header {
namespace {

bool starts_with(std::span<const uint8_t> bytes, std::string_view prefix, size_t offset = 0) {
  if (bytes.size() < offset + prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), bytes.begin() + static_cast<std::ptrdiff_t>(offset),
                    [](char p, uint8_t b) { return static_cast<uint8_t>(p) == b; });
}

// The format by its signature; "" for anything else. Binary PNM only (P5, P6): stb_image reads
// no other kind.
std::string sniff_format(std::span<const uint8_t> bytes) {
  if (starts_with(bytes, "\xFF\xD8\xFF")) return "jpg";
  if (starts_with(bytes, "\x89PNG\r\n\x1A\n")) return "png";
  if (starts_with(bytes, "RIFF") && starts_with(bytes, "WEBP", 8)) return "webp";
  if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")) return "gif";
  if (starts_with(bytes, "BM")) return "bmp";
  if (starts_with(bytes, "P5")) return "pgm";
  if (starts_with(bytes, "P6")) return "ppm";
  return "";
}

std::string leading_bytes(std::span<const uint8_t> bytes) {
  std::string out;
  for (size_t i = 0; i < std::min<size_t>(bytes.size(), 8); ++i) {
    char hex[4];
    std::snprintf(hex, sizeof hex, i == 0 ? "%02x" : " %02x", bytes[i]);
    out += hex;
  }
  return out;
}

}  // namespace

ImageInfo read_image_header(std::span<const uint8_t> bytes, const std::string& where) {
  if (bytes.empty()) throw Error(where, "empty image data (0 bytes)");
  ImageInfo info;
  info.format = sniff_format(bytes);
  if (info.format.empty())
    throw Error(where, "not an image in a known format (leading bytes " + leading_bytes(bytes) +
                           "; known: " + kKnownFormats + ")");

  if (info.format == "png") {
    const PngSize size = read_png_size(bytes, where);
    info.width = size.width;
    info.height = size.height;
  } else if (info.format == "webp") {
    int width = 0;
    int height = 0;
    if (!WebPGetInfo(bytes.data(), bytes.size(), &width, &height))
      throw Error(where, "damaged webp header (libwebp cannot read it)");
    info.width = width;
    info.height = height;
  } else {
    if (bytes.size() > static_cast<size_t>(INT_MAX))
      throw Error(where, info.format + " data of " + std::to_string(bytes.size()) +
                             " bytes is over stb_image's limit of 2 GiB");
    int width = 0;
    int height = 0;
    int channels = 0;
    // stb_image tries every format it knows in turn, so its failure reason names the last one
    // tried, not this format: it is left out of the message.
    if (!stbi_info_from_memory(bytes.data(), static_cast<int>(bytes.size()), &width, &height, &channels))
      throw Error(where, "damaged " + info.format + " header (stb_image cannot read it)");
    info.width = width;
    info.height = height;
  }
  if (info.width <= 0 || info.height <= 0)
    throw Error(where, info.format + " header gives an empty image (" + std::to_string(info.width) + "x" +
                           std::to_string(info.height) + ")");
  return info;
}

}  // namespace vlforge::image_header
