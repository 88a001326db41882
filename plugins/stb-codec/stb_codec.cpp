#include "stb_codec.hpp"

#include <ATen/ATen.h>
#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>
#include <webp/decode.h>
#include <webp/encode.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <new>
#include <string>
#include <utility>

#include "decode_precheck.hpp"
#include "image_header.hpp"
#include "vlforge/error.hpp"
#include "vlforge/image_pixels.hpp"

namespace vlforge::stb_codec {
namespace {

const std::string kWhere = "image_codec/stb";

// The [H, W, 3] uint8 CPU tensor the interface takes, contiguous, with rows that fit stb's ints.
at::Tensor rgb_input(const at::Tensor& rgb) {
  const at::Tensor checked = checked_rgb(rgb, kWhere);
  if (rgb.size(0) > INT_MAX || rgb.size(1) * 3 > INT_MAX)
    throw Error(kWhere, "the image is larger than stb's int sizes (" + c10::str(rgb.sizes()) + ")");
  return checked;
}

void require_side(int64_t value, const char* what) {
  if (value < 1 || value * 3 > INT_MAX)
    throw Error(kWhere, std::string("cannot resize: ") + what + " = " + std::to_string(value) + " (must be positive)");
}

at::Tensor wrap_pixels(uint8_t* pixels, int height, int width, void (*release)(void*)) {
  return at::from_blob(pixels, {height, width, 3}, release, at::TensorOptions().dtype(at::kByte));
}

// Catmull-Rom (cubic, a = -0.5) is the kernel of PIL's BICUBIC, which Hugging Face image
// processors resize with; stb_image_resize widens it by the scale when shrinking, as PIL does,
// so a shrink averages over the source pixels. Values are filtered as stored (no sRGB
// linearisation), again as PIL does.
at::Tensor resized(const at::Tensor& src, int64_t height, int64_t width) {
  at::Tensor out = at::empty({height, width, 3}, at::kByte);
  const int src_width = static_cast<int>(src.size(1));
  const int ok = stbir_resize_uint8_generic(
      src.data_ptr<uint8_t>(), src_width, static_cast<int>(src.size(0)), src_width * 3, out.data_ptr<uint8_t>(),
      static_cast<int>(width), static_cast<int>(height), static_cast<int>(width) * 3, 3, STBIR_ALPHA_CHANNEL_NONE, 0,
      STBIR_EDGE_CLAMP, STBIR_FILTER_CATMULLROM, STBIR_COLORSPACE_LINEAR, nullptr);
  if (!ok)
    throw Error(kWhere, "stb_image_resize could not resize " + c10::str(src.sizes()) + " to " +
                            std::to_string(height) + "x" + std::to_string(width) + " (out of memory)");
  return out;
}

// img2dataset's keep_ratio: scale so the shorter side is `side`, each side rounded as Python's
// round() does (half to even, which std::nearbyint does in the default rounding mode).
std::pair<int64_t, int64_t> shorter_side_size(const at::Tensor& src, int64_t side) {
  const double scale = static_cast<double>(side) / static_cast<double>(std::min(src.size(0), src.size(1)));
  const auto round_side = [&](int64_t n, const char* what) {
    const double rounded = std::max(1.0, std::nearbyint(static_cast<double>(n) * scale));
    if (rounded * 3 > INT_MAX)
      throw Error(kWhere, std::string("cannot resize: the shorter side = ") + std::to_string(side) + " makes the " +
                              what + " " + std::to_string(static_cast<int64_t>(rounded)) + " (over stb's int sizes)");
    return static_cast<int64_t>(rounded);
  };
  return {round_side(src.size(0), "height"), round_side(src.size(1), "width")};
}

// Pads to a square with the image's own mean colour (each channel rounded half up), the image
// centred as LLaVA's expand2square places it (offset rounded down).
at::Tensor padded_to_square(const at::Tensor& src) {
  const int64_t height = src.size(0);
  const int64_t width = src.size(1);
  const int64_t side = std::max(height, width);
  const at::Tensor sums = src.sum(at::IntArrayRef{0, 1}, false, at::kLong);
  const auto sum = sums.accessor<int64_t, 1>();
  const auto pixels = static_cast<double>(height * width);
  at::Tensor square = at::empty({side, side, 3}, at::kByte);
  for (int64_t c = 0; c < 3; ++c) square.select(2, c).fill_(std::round(static_cast<double>(sum[c]) / pixels));
  square.narrow(0, (side - height) / 2, height).narrow(1, (side - width) / 2, width).copy_(src);
  return square;
}

// stb_image_write hands the encoded bytes over in pieces. No exception may unwind through stb's
// C frames, so running out of memory is recorded and reported after the write returns.
struct ByteSink {
  std::vector<uint8_t> bytes;
  bool out_of_memory = false;
};

void append_to_sink(void* context, void* data, int size) {
  auto* sink = static_cast<ByteSink*>(context);
  if (sink->out_of_memory) return;
  try {
    const auto* begin = static_cast<const uint8_t*>(data);
    sink->bytes.insert(sink->bytes.end(), begin, begin + size);
  } catch (const std::bad_alloc&) {
    sink->out_of_memory = true;
  }
}

}  // namespace

StbCodec::StbCodec(const StbCodecConfig& cfg) : cfg_(cfg) {}

ImageInfo StbCodec::probe(std::span<const uint8_t> bytes) const {
  return image_header::read_image_header(bytes, kWhere);
}

at::Tensor StbCodec::decode(std::span<const uint8_t> bytes) const {
  const ImageInfo info = image_header::precheck_for_decode(bytes, cfg_.max_pixels, kWhere);
  int width = 0;
  int height = 0;
  if (info.format == "webp") {
    uint8_t* pixels = WebPDecodeRGB(bytes.data(), bytes.size(), &width, &height);
    if (pixels == nullptr)
      throw Error(kWhere, "cannot decode " + image_header::describe(info) + ": libwebp refused the data (corrupt or "
                                                                             "truncated)");
    return wrap_pixels(pixels, height, width, [](void* p) { WebPFree(p); });
  }
  // read_image_header has checked that the other formats fit stb's int sizes.
  int channels = 0;
  stbi_uc* pixels =
      stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &width, &height, &channels, 3);
  if (pixels == nullptr)
    throw Error(kWhere, "cannot decode " + image_header::describe(info) + ": stb_image: " + stbi_failure_reason());
  return wrap_pixels(pixels, height, width, [](void* p) { stbi_image_free(p); });
}

std::vector<uint8_t> StbCodec::encode(const at::Tensor& rgb, std::string_view format) const {
  const at::Tensor src = rgb_input(rgb);
  const int height = static_cast<int>(src.size(0));
  const int width = static_cast<int>(src.size(1));
  const uint8_t* pixels = src.data_ptr<uint8_t>();
  const std::string what = "a " + c10::str(src.sizes()) + " image as " + std::string(format);

  if (format == "webp") {
    uint8_t* encoded = nullptr;
    const size_t size = WebPEncodeRGB(pixels, width, height, width * 3, static_cast<float>(cfg_.quality), &encoded);
    if (size == 0) throw Error(kWhere, "libwebp could not encode " + what);
    std::vector<uint8_t> out(encoded, encoded + size);
    WebPFree(encoded);
    return out;
  }
  ByteSink sink;
  int ok = 0;
  if (format == "jpg" || format == "jpeg")
    ok = stbi_write_jpg_to_func(append_to_sink, &sink, width, height, 3, pixels, static_cast<int>(cfg_.quality));
  else if (format == "png")
    ok = stbi_write_png_to_func(append_to_sink, &sink, width, height, 3, pixels, width * 3);
  else if (format == "bmp")
    ok = stbi_write_bmp_to_func(append_to_sink, &sink, width, height, 3, pixels);
  else
    throw Error(kWhere, "cannot encode to '" + std::string(format) + "' (formats: jpg, png, webp, bmp)");
  if (sink.out_of_memory) throw Error(kWhere, "out of memory while encoding " + what);
  if (!ok) throw Error(kWhere, "stb_image_write could not encode " + what);
  return std::move(sink.bytes);
}

at::Tensor StbCodec::resize(const at::Tensor& rgb, int64_t height, int64_t width, ResizeMode mode) const {
  const at::Tensor src = rgb_input(rgb);
  switch (mode) {
    case ResizeMode::stretch:
      require_side(height, "height");
      require_side(width, "width");
      if (height == src.size(0) && width == src.size(1)) return src;
      return resized(src, height, width);
    case ResizeMode::shorter_side: {
      require_side(height, "shorter side");
      const auto [h, w] = shorter_side_size(src, height);
      if (h == src.size(0) && w == src.size(1)) return src;
      return resized(src, h, w);
    }
    case ResizeMode::pad_square: {
      require_side(height, "height");
      require_side(width, "width");
      const at::Tensor square = src.size(0) == src.size(1) ? src : padded_to_square(src);
      if (height == square.size(0) && width == square.size(1)) return square;
      return resized(square, height, width);
    }
  }
  throw Error(kWhere, "unknown resize mode " + std::to_string(static_cast<int>(mode)));
}

}  // namespace vlforge::stb_codec
