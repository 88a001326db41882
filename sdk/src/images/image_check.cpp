#include "vlforge/image_check.hpp"

#include "vlforge/error.hpp"

namespace vlforge {

namespace {

std::string size_text(const ImageInfo& info) {
  return std::to_string(info.width) + "x" + std::to_string(info.height) + " pixels";
}

}  // namespace

std::optional<ImageProblem> check_image(const ImageCodec& codec, std::span<const uint8_t> bytes,
                                        const ImageLimits& limits) {
  if (bytes.empty()) return ImageProblem{"empty image", "0 bytes"};
  ImageInfo info;
  try {
    info = codec.probe(bytes);
  } catch (const Error& e) {
    return ImageProblem{"corrupt image", e.what()};
  }
  if (info.width <= 0 || info.height <= 0) return ImageProblem{"corrupt image", "header gives " + size_text(info)};
  if (info.width < limits.min_side || info.height < limits.min_side)
    return ImageProblem{"image too small", size_text(info) + " (min side " + std::to_string(limits.min_side) + ")"};
  // Divided rather than multiplied: a forged header's dimensions may overflow a product.
  if (info.width > limits.max_pixels / info.height)
    return ImageProblem{"image too large", size_text(info) + " (max " + std::to_string(limits.max_pixels) + " pixels)"};
  if (limits.decode) {
    try {
      const at::Tensor rgb = codec.decode(bytes);
      if (rgb.size(0) != info.height || rgb.size(1) != info.width)
        return ImageProblem{"corrupt image", "header says " + size_text(info) + ", decoded " +
                                                 std::to_string(rgb.size(1)) + "x" + std::to_string(rgb.size(0))};
    } catch (const Error& e) {
      return ImageProblem{"corrupt image", e.what()};
    }
  }
  return std::nullopt;
}

}  // namespace vlforge
