// image_codec/opencv and image_codec/stb give nearly the same pixels for the same work: the same
// decode up to stb's own IDCT, and the same resize up to their kernels (OpenCV's area average and
// bicubic a = -0.75 against stb's Catmull-Rom, a = -0.5).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "image_codecs.hpp"

namespace vlforge::test {
namespace {

TEST(CodecAgreement, EveryTestImageDecodesAlike) {
  for (const PilReading& pil : pil_readings()) {
    const std::vector<uint8_t> bytes = test_image(pil.file);
    const at::Tensor a = image_codec("opencv").decode(bytes);
    const at::Tensor b = image_codec("stb").decode(bytes);
    ASSERT_EQ(a.sizes(), b.sizes()) << pil.file;
    // OpenCV turns CMYK into RGB one level brighter than stb and PIL do; elsewhere they differ
    // by a fraction of a level.
    EXPECT_LT(mean_abs_difference(a, b), pil.file == "cmyk.jpg" ? 1.25 : 0.5) << pil.file;
  }
}

TEST(CodecAgreement, DecodeAndResizeOfAPhotoLikeJpegAgree) {
  ImageCodec& opencv = image_codec("opencv");
  ImageCodec& stb = image_codec("stb");
  const std::vector<uint8_t> jpeg = opencv.encode(smooth_image(240, 320, 4), "jpg");
  const at::Tensor a = opencv.decode(jpeg);
  const at::Tensor b = stb.decode(jpeg);
  EXPECT_LT(mean_abs_difference(a, b), 0.5);
  struct Case {
    int64_t height, width;
    ResizeMode mode;
  };
  for (const Case& c : {Case{96, 96, ResizeMode::stretch}, Case{384, 384, ResizeMode::stretch},
                        Case{100, 0, ResizeMode::shorter_side}, Case{64, 64, ResizeMode::pad_square}}) {
    const at::Tensor ra = opencv.resize(a, c.height, c.width, c.mode);
    const at::Tensor rb = stb.resize(b, c.height, c.width, c.mode);
    ASSERT_EQ(ra.sizes(), rb.sizes());
    EXPECT_LT(mean_abs_difference(ra, rb), 1.0) << c.height << "x" << c.width << " mode " << static_cast<int>(c.mode);
  }
}

}  // namespace
}  // namespace vlforge::test
