#include "png_header.hpp"

#include <png.h>

#include <csetjmp>
#include <cstring>

#include "vlforge/error.hpp"

namespace vlforge::image_header {
namespace {

struct PngSource {
  const uint8_t* data;
  size_t size;
  size_t offset;
  char error[200];
};

void read_from_memory(png_structp png, png_bytep out, size_t count) {
  auto* source = static_cast<PngSource*>(png_get_io_ptr(png));
  if (count > source->size - source->offset) png_error(png, "the data ends before the first IDAT chunk");
  std::memcpy(out, source->data + source->offset, count);
  source->offset += count;
}

// libpng reports errors by longjmp; the reason is kept for the exception thrown after it.
void keep_error(png_structp png, png_const_charp message) {
  auto* error = static_cast<char*>(png_get_error_ptr(png));
  std::strncpy(error, message, sizeof(PngSource::error) - 1);
  error[sizeof(PngSource::error) - 1] = '\0';
  png_longjmp(png, 1);
}

// Header warnings (e.g. a known-incorrect sRGB profile) do not affect the size; libpng's default
// would print them to stderr for every such image of a dataset.
void drop_warning(png_structp, png_const_charp) {}

// C-style on purpose: longjmp must not cross objects with destructors. Returns false with
// `source.error` set when libpng refuses the data.
bool read_ihdr(PngSource& source, PngSize& size) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, source.error, keep_error, drop_warning);
  if (png == nullptr) {
    std::strcpy(source.error, "libpng could not allocate a reader");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    std::strcpy(source.error, "libpng could not allocate a reader");
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_read_fn(png, &source, read_from_memory);
  png_read_info(png, info);
  size.width = png_get_image_width(png, info);
  size.height = png_get_image_height(png, info);
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

}  // namespace

PngSize read_png_size(std::span<const uint8_t> bytes, const std::string& where) {
  PngSource source{bytes.data(), bytes.size(), 0, {}};
  PngSize size;
  if (!read_ihdr(source, size)) throw Error(where, std::string("damaged png header (libpng: ") + source.error + ")");
  return size;
}

}  // namespace vlforge::image_header
