#include "decode_precheck.hpp"

#include "image_header.hpp"
#include "jpeg_end_marker.hpp"
#include "vlforge/error.hpp"

namespace vlforge::image_header {

std::string describe(const ImageInfo& info) {
  return info.format + " " + std::to_string(info.width) + "x" + std::to_string(info.height);
}

ImageInfo precheck_for_decode(std::span<const uint8_t> bytes, int64_t max_pixels, const std::string& where) {
  const ImageInfo info = read_image_header(bytes, where);
  const int64_t pixels = info.width * info.height;
  if (pixels > max_pixels)
    throw Error(where, describe(info) + " has " + std::to_string(pixels) + " pixels, over max_pixels = " +
                           std::to_string(max_pixels) + " (not decoded; raise max_pixels to accept it)");
  if (info.format == "jpg" && !jpeg_reaches_end_marker(bytes))
    throw Error(where, describe(info) + " is truncated: the data ends before the end-of-image marker (" +
                           std::to_string(bytes.size()) + " bytes; a partial download?)");
  return info;
}

}  // namespace vlforge::image_header
