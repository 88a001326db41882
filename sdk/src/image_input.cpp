#include "vlforge/image_input.hpp"

#include <fstream>
#include <iterator>

#include "vlforge/error.hpp"

namespace vlforge {

std::vector<uint8_t> image_input_bytes(const ImageInput& image) {
  if (image.bytes) return *image.bytes;
  if (image.file.empty()) throw Error("image", "neither bytes nor a file given");
  std::ifstream in(image.file, std::ios::binary);
  if (!in) throw Error(image.file.string(), "cannot open the image file");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace vlforge
