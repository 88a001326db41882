#include "opencv_codec.hpp"

#include <ATen/ATen.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>

#include "decode_precheck.hpp"
#include "image_header.hpp"
#include "vlforge/error.hpp"
#include "vlforge/image_pixels.hpp"

namespace vlforge::opencv_codec {
namespace {

const std::string kWhere = "image_codec/opencv";

// The [H, W, 3] uint8 CPU tensor the interface takes, made contiguous for a cv::Mat view.
at::Tensor rgb_input(const at::Tensor& rgb) {
  const at::Tensor checked = checked_rgb(rgb, kWhere);
  if (rgb.size(0) > INT_MAX || rgb.size(1) > INT_MAX)
    throw Error(kWhere, "the image is larger than OpenCV's int sizes (" + c10::str(rgb.sizes()) + ")");
  return checked;
}

cv::Mat mat_view(const at::Tensor& rgb) {
  return {static_cast<int>(rgb.size(0)), static_cast<int>(rgb.size(1)), CV_8UC3, rgb.data_ptr<uint8_t>()};
}

void require_side(int64_t value, const char* what) {
  if (value < 1 || value > INT_MAX)
    throw Error(kWhere, std::string("cannot resize: ") + what + " = " + std::to_string(value) + " (must be positive)");
}

// Shrinking averages the source pixels (INTER_AREA: antialiased, as PIL's resize); enlarging is
// bicubic. When one axis shrinks and the other grows, each gets its own filter in its own pass,
// the shrinking one first so the bicubic pass has fewer pixels.
at::Tensor resized(const cv::Mat& src, int64_t height, int64_t width) {
  at::Tensor out = at::empty({height, width, 3}, at::kByte);
  cv::Mat dst(static_cast<int>(height), static_cast<int>(width), CV_8UC3, out.data_ptr<uint8_t>());
  const bool shrink_rows = dst.rows <= src.rows;
  const bool shrink_cols = dst.cols <= src.cols;
  if (shrink_rows && shrink_cols) {
    cv::resize(src, dst, dst.size(), 0, 0, cv::INTER_AREA);
  } else if (dst.rows >= src.rows && dst.cols >= src.cols) {
    cv::resize(src, dst, dst.size(), 0, 0, cv::INTER_CUBIC);
  } else {
    cv::Mat narrowed;
    cv::resize(src, narrowed, shrink_rows ? cv::Size(src.cols, dst.rows) : cv::Size(dst.cols, src.rows), 0, 0,
               cv::INTER_AREA);
    cv::resize(narrowed, dst, dst.size(), 0, 0, cv::INTER_CUBIC);
  }
  return out;
}

// img2dataset's keep_ratio: scale so the shorter side is `side`, each side rounded as Python's
// round() does (half to even, which std::nearbyint does in the default rounding mode).
cv::Size shorter_side_size(const cv::Mat& src, int64_t side) {
  const double scale = static_cast<double>(side) / std::min(src.rows, src.cols);
  const auto round_side = [&](int n, const char* what) {
    const double rounded = std::max(1.0, std::nearbyint(n * scale));
    if (rounded > INT_MAX)
      throw Error(kWhere, std::string("cannot resize: the shorter side = ") + std::to_string(side) + " makes the " +
                              what + " " + std::to_string(static_cast<int64_t>(rounded)) + " (over OpenCV's int sizes)");
    return static_cast<int>(rounded);
  };
  return {round_side(src.cols, "width"), round_side(src.rows, "height")};
}

// Pads to a square with the image's own mean colour (each channel rounded half up), the image
// centred as LLaVA's expand2square places it (offset rounded down).
cv::Mat padded_to_square(const cv::Mat& src) {
  const cv::Scalar sum = cv::sum(src);
  const double pixels = static_cast<double>(src.total());
  const cv::Scalar colour(std::round(sum[0] / pixels), std::round(sum[1] / pixels), std::round(sum[2] / pixels));
  const int side = std::max(src.rows, src.cols);
  const int top = (side - src.rows) / 2;
  const int left = (side - src.cols) / 2;
  cv::Mat square;
  cv::copyMakeBorder(src, square, top, side - src.rows - top, left, side - src.cols - left, cv::BORDER_CONSTANT,
                     colour);
  return square;
}

}  // namespace

OpenCvCodec::OpenCvCodec(const OpenCvCodecConfig& cfg) : cfg_(cfg) {}

ImageInfo OpenCvCodec::probe(std::span<const uint8_t> bytes) const {
  return image_header::read_image_header(bytes, kWhere);
}

at::Tensor OpenCvCodec::decode(std::span<const uint8_t> bytes) const {
  const ImageInfo info = image_header::precheck_for_decode(bytes, cfg_.max_pixels, kWhere);
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    throw Error(kWhere, image_header::describe(info) + " data is over OpenCV's limit of 2 GiB");
  cv::Mat bgr;
  try {
    const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<uint8_t*>(bytes.data()));
    // PIL, which the reference pipelines use, does not apply the EXIF orientation either.
    bgr = cv::imdecode(encoded, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  } catch (const cv::Exception& e) {
    throw Error(kWhere, "cannot decode " + image_header::describe(info) + ": " + e.err);
  }
  if (bgr.empty())
    throw Error(kWhere, "cannot decode " + image_header::describe(info) +
                            ": OpenCV read no image (corrupt data, or a format this OpenCV build does not decode)");
  at::Tensor rgb = at::empty({bgr.rows, bgr.cols, 3}, at::kByte);
  cv::Mat out = mat_view(rgb);
  cv::cvtColor(bgr, out, cv::COLOR_BGR2RGB);
  return rgb;
}

std::vector<uint8_t> OpenCvCodec::encode(const at::Tensor& rgb, std::string_view format) const {
  const at::Tensor src = rgb_input(rgb);
  std::string extension;
  std::vector<int> params;
  if (format == "jpg" || format == "jpeg") {
    extension = ".jpg";
    params = {cv::IMWRITE_JPEG_QUALITY, static_cast<int>(cfg_.quality)};
  } else if (format == "png") {
    extension = ".png";
  } else if (format == "webp") {
    extension = ".webp";
    params = {cv::IMWRITE_WEBP_QUALITY, static_cast<int>(cfg_.quality)};
  } else if (format == "bmp") {
    extension = ".bmp";
  } else {
    throw Error(kWhere, "cannot encode to '" + std::string(format) + "' (formats: jpg, png, webp, bmp)");
  }
  cv::Mat bgr;
  cv::cvtColor(mat_view(src), bgr, cv::COLOR_RGB2BGR);
  std::vector<uint8_t> out;
  try {
    if (!cv::imencode(extension, bgr, out, params))
      throw Error(kWhere, "OpenCV could not encode a " + c10::str(src.sizes()) + " image as " + std::string(format));
  } catch (const cv::Exception& e) {
    throw Error(kWhere, "cannot encode a " + c10::str(src.sizes()) + " image as " + std::string(format) + ": " + e.err);
  }
  return out;
}

at::Tensor OpenCvCodec::resize(const at::Tensor& rgb, int64_t height, int64_t width, ResizeMode mode) const {
  const at::Tensor src = rgb_input(rgb);
  const cv::Mat image = mat_view(src);
  switch (mode) {
    case ResizeMode::stretch:
      require_side(height, "height");
      require_side(width, "width");
      if (height == image.rows && width == image.cols) return src;
      return resized(image, height, width);
    case ResizeMode::shorter_side: {
      require_side(height, "shorter side");
      const cv::Size size = shorter_side_size(image, height);
      if (size == image.size()) return src;
      return resized(image, size.height, size.width);
    }
    case ResizeMode::pad_square:
      require_side(height, "height");
      require_side(width, "width");
      if (image.rows == image.cols && height == image.rows && width == image.cols) return src;
      return resized(image.rows == image.cols ? image : padded_to_square(image), height, width);
  }
  throw Error(kWhere, "unknown resize mode " + std::to_string(static_cast<int>(mode)));
}

}  // namespace vlforge::opencv_codec
