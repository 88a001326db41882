// What an image codec checks before it decodes: the header is readable, the image is at most
// `max_pixels`, and a JPEG is not cut short. Both codecs call it, so they refuse the same inputs
// with the same messages.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "vlforge/interfaces/image_codec.hpp"

namespace vlforge::image_header {

// -> the header; throws vlforge::Error at `where` naming what is wrong.
ImageInfo precheck_for_decode(std::span<const uint8_t> bytes, int64_t max_pixels, const std::string& where);

// "png 640x480", for messages.
std::string describe(const ImageInfo& info);

}  // namespace vlforge::image_header
