// image_codec/opencv and image_codec/stb, one test body for both: sizes and RGB means against
// PIL's reading of tests/data/images, damaged and truncated input, refusing a huge image from its
// header alone, 16-bit PNG, progressive JPEG and GIF, the three resize modes, and encode/decode
// round trips.
#include "vlforge/interfaces/image_codec.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <tuple>
#include <vector>

#include "error_text.hpp"
#include "forged_png.hpp"
#include "image_codecs.hpp"
#include "vlforge/error.hpp"

namespace vlforge::test {
namespace {

std::string case_name(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return text;
}

at::Tensor constant_image(int64_t height, int64_t width, std::array<uint8_t, 3> colour) {
  at::Tensor img = at::empty({height, width, 3}, at::kByte);
  for (int64_t c = 0; c < 3; ++c) img.select(2, c).fill_(colour[c]);
  return img;
}

at::Tensor colour_of(std::array<uint8_t, 3> colour) {
  return at::tensor(at::ArrayRef<uint8_t>{colour[0], colour[1], colour[2]});
}

// A two-frame GIF of 4x3 pixels written by PIL (make_images.py's interpreter); the first frame is
// kGifFirstFrame, the second is all (9, 9, 9).
const std::vector<uint8_t> kTwoFrameGif = {
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x04, 0x00, 0x03, 0x00, 0x83, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x00, 0x00, 0xff, 0xff, 0x00, 0xff, 0x00, 0xc8, 0x64, 0x32, 0x80, 0x80, 0x80, 0x0a, 0x14, 0x1e, 0xff, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x01, 0x02, 0x03, 0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0xff, 0x0b, 0x4e, 0x45, 0x54, 0x53, 0x43, 0x41, 0x50, 0x45,
    0x32, 0x2e, 0x30, 0x03, 0x01, 0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x2c, 0x00,
    0x00, 0x00, 0x00, 0x04, 0x00, 0x03, 0x00, 0x00, 0x08, 0x10, 0x00, 0x11, 0x0c, 0x50, 0x10, 0x40, 0xc0, 0x01,
    0x03, 0x04, 0x16, 0x00, 0x28, 0x90, 0x20, 0x20, 0x00, 0x21, 0xf9, 0x04, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x2c,
    0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x03, 0x00, 0x81, 0x09, 0x09, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x08, 0x08, 0x00, 0x01, 0x08, 0x1c, 0x48, 0x50, 0x60, 0x40, 0x00, 0x3b};
const std::vector<uint8_t> kGifFirstFrame = {255, 0,   0,   0,   255, 0,   0,   0,   255, 255, 255, 0,
                                             0,   255, 255, 255, 0,   255, 10,  20,  30,  200, 100, 50,
                                             0,   0,   0,   255, 255, 255, 128, 128, 128, 1,   2,   3};

TEST(StbCodec, GifGivesItsFirstFrameAsPilDoes) {
  ImageCodec& stb = image_codec("stb");
  const ImageInfo info = stb.probe(kTwoFrameGif);
  EXPECT_EQ(info.format, "gif");
  EXPECT_EQ(info.width, 4);
  EXPECT_EQ(info.height, 3);
  EXPECT_TRUE(at::equal(stb.decode(kTwoFrameGif), at::tensor(kGifFirstFrame).view({3, 4, 3})));
}

// OpenCV 4.6, Debian's, has no GIF decoder (later releases add one): a GIF is then refused with
// a clear error, never decoded to something else.
TEST(OpenCvCodec, GifIsProbedAndEitherDecodedToItsFirstFrameOrRefused) {
  ImageCodec& opencv = image_codec("opencv");
  EXPECT_EQ(opencv.probe(kTwoFrameGif).format, "gif");
  at::Tensor decoded;
  const std::string error = error_of([&] { decoded = opencv.decode(kTwoFrameGif); });
  if (error.empty())
    EXPECT_TRUE(at::equal(decoded, at::tensor(kGifFirstFrame).view({3, 4, 3})));
  else
    EXPECT_EQ(error,
              "image_codec/opencv: cannot decode gif 4x3: OpenCV read no image (corrupt data, or a format this OpenCV "
              "build does not decode)");
}

// ---- per test file: what PIL reads ----

class CodecReadsLikePil : public testing::TestWithParam<std::tuple<std::string, PilReading>> {
 protected:
  ImageCodec& codec() { return image_codec(std::get<0>(GetParam())); }
  const PilReading& pil() { return std::get<1>(GetParam()); }
};

TEST_P(CodecReadsLikePil, ProbeGivesPilSize) {
  const ImageInfo info = codec().probe(test_image(pil().file));
  EXPECT_EQ(info.width, pil().width);
  EXPECT_EQ(info.height, pil().height);
  EXPECT_EQ(info.format, std::filesystem::path(pil().file).extension().string().substr(1));
}

TEST_P(CodecReadsLikePil, DecodeGivesPilRgbMean) {
  const at::Tensor rgb = codec().decode(test_image(pil().file));
  ASSERT_EQ(rgb.sizes(), (std::vector<int64_t>{pil().height, pil().width, 3}));
  EXPECT_EQ(rgb.scalar_type(), at::kByte);
  EXPECT_TRUE(rgb.is_contiguous());
  const std::string ext = std::filesystem::path(pil().file).extension().string();
  // Lossless formats decode to PIL's very pixels. JPEG decoders differ slightly: stb has its own
  // IDCT and upsampling, and OpenCV turns CMYK into RGB one level brighter than PIL.
  const double tolerance = (ext == ".png" || ext == ".ppm") ? 1e-9 : 1.5;
  const at::Tensor mean = rgb.to(at::kDouble).mean(at::IntArrayRef{0, 1});
  for (int64_t c = 0; c < 3; ++c)
    EXPECT_NEAR(mean[c].item<double>(), pil().mean_rgb[static_cast<size_t>(c)], tolerance) << "channel " << c;
}

INSTANTIATE_TEST_SUITE_P(TestImages, CodecReadsLikePil,
                         testing::Combine(testing::ValuesIn(kCodecs), testing::ValuesIn(pil_readings())),
                         [](const auto& info) {
                           return case_name(std::get<0>(info.param) + "_" + std::get<1>(info.param).file);
                         });

// ---- per codec ----

class Codec : public testing::TestWithParam<std::string> {
 protected:
  ImageCodec& codec() { return image_codec(GetParam()); }
};

TEST_P(Codec, DamagedInputsAreErrorsThatSayWhy) {
  const auto decode_error = [&](const std::string& file) {
    return error_of([&] { codec().decode(test_image(file)); });
  };
  const std::string where = "image_codec/" + GetParam() + ": ";
  EXPECT_EQ(decode_error("empty.jpg"), where + "empty image data (0 bytes)");
  EXPECT_NE(decode_error("truncated.jpg").find("jpg 64x48 is truncated: the data ends before the end-of-image marker"),
            std::string::npos)
      << decode_error("truncated.jpg");
  EXPECT_NE(decode_error("garbage.png").find(where + "not an image in a known format (leading bytes"), std::string::npos)
      << decode_error("garbage.png");
}

TEST_P(Codec, JpegEndIsFoundByWalkingSegmentsNotBySearchingBytes) {
  // An EXIF-like APP1 segment holding a whole thumbnail JPEG, end marker included, and bytes
  // after the image's own end marker, as cameras and some uploaders leave them.
  const std::vector<uint8_t> image = codec().encode(smooth_image(48, 64, 5), "jpg");
  const std::vector<uint8_t> thumbnail = codec().encode(smooth_image(8, 8, 6), "jpg");
  std::vector<uint8_t> app1 = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
  app1.insert(app1.end(), thumbnail.begin(), thumbnail.end());
  app1[2] = static_cast<uint8_t>((app1.size() - 2) >> 8);
  app1[3] = static_cast<uint8_t>(app1.size() - 2);
  std::vector<uint8_t> with_thumbnail(image.begin(), image.begin() + 2);
  with_thumbnail.insert(with_thumbnail.end(), app1.begin(), app1.end());
  with_thumbnail.insert(with_thumbnail.end(), image.begin() + 2, image.end());

  std::vector<uint8_t> trailing = with_thumbnail;
  trailing.insert(trailing.end(), {'t', 'r', 'a', 'i', 'l', 'e', 'r'});
  EXPECT_TRUE(at::equal(codec().decode(trailing), codec().decode(image)));

  const std::vector<uint8_t> cut(with_thumbnail.begin(),
                                 with_thumbnail.begin() + static_cast<std::ptrdiff_t>(with_thumbnail.size() * 3 / 4));
  EXPECT_NE(error_of([&] { codec().decode(cut); }).find("jpg 64x48 is truncated"), std::string::npos);
}

TEST_P(Codec, ProbeReadsTheHeaderOfATruncatedImageButNotGarbage) {
  const ImageInfo info = codec().probe(test_image("truncated.jpg"));
  EXPECT_EQ(info.format, "jpg");
  EXPECT_EQ(info.width, 64);
  EXPECT_EQ(info.height, 48);
  EXPECT_THROW(codec().probe(test_image("empty.jpg")), Error);
  EXPECT_THROW(codec().probe(test_image("garbage.png")), Error);
}

TEST_P(Codec, HugeImageIsSizedFromItsHeaderAndRefusedBeforeDecoding) {
  const std::vector<uint8_t> header = png_claiming_size(20000, 20000);
  const ImageInfo info = codec().probe(header);
  EXPECT_EQ(info.format, "png");
  EXPECT_EQ(info.width, 20000);
  EXPECT_EQ(info.height, 20000);
  EXPECT_EQ(error_of([&] { codec().decode(header); }),
            "image_codec/" + GetParam() +
                ": png 20000x20000 has 400000000 pixels, over max_pixels = 178956970 (not decoded; raise max_pixels "
                "to accept it)");
}

TEST_P(Codec, DamagedPngHeaderIsAnError) {
  std::vector<uint8_t> header = png_claiming_size(640, 480);
  header[19] ^= 0x01;  // width changed after the CRC was computed
  EXPECT_NE(error_of([&] { codec().probe(header); }).find("damaged png header (libpng: IHDR: CRC error)"),
            std::string::npos)
      << error_of([&] { codec().probe(header); });
}

TEST_P(Codec, SixteenBitPngAndProgressiveJpegComeOutAsEightBitRgb) {
  // OpenCV stores BGR: channel 2 is red. Low bytes of 200 must be dropped, not rounded in.
  cv::Mat deep(9, 7, CV_16UC3);
  for (int y = 0; y < deep.rows; ++y)
    for (int x = 0; x < deep.cols; ++x)
      deep.at<cv::Vec3w>(y, x) = cv::Vec3w(static_cast<uint16_t>(y * 256 + 200), static_cast<uint16_t>(x * 2560 + 200),
                                           static_cast<uint16_t>(50 * 256 + 200));
  std::vector<uint8_t> png;
  ASSERT_TRUE(cv::imencode(".png", deep, png));
  const at::Tensor rgb = codec().decode(png);
  ASSERT_EQ(rgb.sizes(), (std::vector<int64_t>{9, 7, 3}));
  EXPECT_EQ(rgb[4][3][0].item<int>(), 50);
  EXPECT_EQ(rgb[4][3][1].item<int>(), 30);
  EXPECT_EQ(rgb[4][3][2].item<int>(), 4);

  // A progressive JPEG holds the same quantised coefficients as a baseline one of the same
  // quality, sent in several scans: decoded, the two give the same pixels.
  const at::Tensor smooth = smooth_image(40, 56, 1);
  cv::Mat bgr(40, 56, CV_8UC3);
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 56; ++x)
      for (int c = 0; c < 3; ++c) bgr.at<cv::Vec3b>(y, x)[2 - c] = smooth[y][x][c].item<uint8_t>();
  std::vector<uint8_t> baseline;
  std::vector<uint8_t> progressive;
  ASSERT_TRUE(cv::imencode(".jpg", bgr, baseline, {cv::IMWRITE_JPEG_QUALITY, 95}));
  ASSERT_TRUE(cv::imencode(".jpg", bgr, progressive, {cv::IMWRITE_JPEG_PROGRESSIVE, 1, cv::IMWRITE_JPEG_QUALITY, 95}));
  ASSERT_NE(baseline, progressive);
  const at::Tensor decoded = codec().decode(progressive);
  ASSERT_EQ(decoded.sizes(), smooth.sizes());
  EXPECT_LT(mean_abs_difference(decoded, codec().decode(baseline)), 0.01);
  EXPECT_LT(mean_abs_difference(decoded, smooth), 4.0);
}

TEST_P(Codec, StretchOfAConstantImageIsConstant) {
  const std::array<uint8_t, 3> colour = {10, 200, 91};
  const at::Tensor img = constant_image(37, 53, colour);
  for (const auto& [h, w] : std::vector<std::pair<int64_t, int64_t>>{{16, 24}, {100, 80}, {12, 120}, {5, 5}}) {
    const at::Tensor out = codec().resize(img, h, w, ResizeMode::stretch);
    ASSERT_EQ(out.sizes(), (std::vector<int64_t>{h, w, 3}));
    EXPECT_TRUE(at::equal(out, constant_image(h, w, colour))) << h << "x" << w;
  }
}

TEST_P(Codec, ShrinkingAveragesFinePatternsInsteadOfSamplingThem) {
  // A one-pixel checkerboard: sampling without averaging gives 0s and 255s, averaging gives grey.
  const at::Tensor checker =
      ((at::arange(64).view({64, 1}) + at::arange(64).view({1, 64})) % 2 * 255).to(at::kByte).unsqueeze(2).expand(
          {64, 64, 3});
  const at::Tensor out = codec().resize(checker, 16, 16, ResizeMode::stretch).to(at::kDouble);
  EXPECT_NEAR(out.min().item<double>(), 127.5, 3.0);
  EXPECT_NEAR(out.max().item<double>(), 127.5, 3.0);
}

TEST_P(Codec, ShorterSideKeepsTheRatioAndRoundsLikePython) {
  const auto shape = [&](int64_t h, int64_t w, int64_t side) {
    return codec().resize(constant_image(h, w, {1, 2, 3}), side, 0, ResizeMode::shorter_side).sizes().vec();
  };
  EXPECT_EQ(shape(480, 640, 256), (std::vector<int64_t>{256, 341, 3}));
  EXPECT_EQ(shape(640, 480, 256), (std::vector<int64_t>{341, 256, 3}));
  // 333 * 0.5 = 166.5 and 335 * 0.5 = 167.5: Python's round() goes to the even neighbour.
  EXPECT_EQ(shape(200, 333, 100), (std::vector<int64_t>{100, 166, 3}));
  EXPECT_EQ(shape(200, 335, 100), (std::vector<int64_t>{100, 168, 3}));
  EXPECT_EQ(shape(100, 50, 200), (std::vector<int64_t>{400, 200, 3}));
  const at::Tensor img = smooth_image(30, 40, 2);
  EXPECT_TRUE(at::equal(codec().resize(img, 30, 0, ResizeMode::shorter_side), img));
}

TEST_P(Codec, PadSquarePutsTheMeanColourInTheBandAndCentresTheImage) {
  // Left half (10, 20, 30), right half (50, 100, 201): mean (30, 60, 115.5) -> (30, 60, 116).
  at::Tensor wide = constant_image(20, 40, {10, 20, 30});
  wide.narrow(1, 20, 20).copy_(constant_image(20, 20, {50, 100, 201}));
  const at::Tensor mean = colour_of({30, 60, 116});

  const at::Tensor square = codec().resize(wide, 40, 40, ResizeMode::pad_square);
  ASSERT_EQ(square.sizes(), (std::vector<int64_t>{40, 40, 3}));
  EXPECT_TRUE(at::equal(square.narrow(0, 0, 10), mean.expand({10, 40, 3})));
  EXPECT_TRUE(at::equal(square.narrow(0, 30, 10), mean.expand({10, 40, 3})));
  EXPECT_TRUE(at::equal(square.narrow(0, 10, 20), wide));

  const at::Tensor tall = wide.transpose(0, 1);
  const at::Tensor tall_square = codec().resize(tall, 40, 40, ResizeMode::pad_square);
  EXPECT_TRUE(at::equal(tall_square.narrow(1, 0, 10), mean.expand({40, 10, 3})));
  EXPECT_TRUE(at::equal(tall_square.narrow(1, 10, 20), tall));

  // Then resized: the band's first row is far from the image, so it keeps the mean colour.
  const at::Tensor small = codec().resize(wide, 16, 16, ResizeMode::pad_square);
  ASSERT_EQ(small.sizes(), (std::vector<int64_t>{16, 16, 3}));
  EXPECT_LE((small[0].to(at::kInt) - mean.to(at::kInt)).abs().max().item<int>(), 1);
}

TEST_P(Codec, LosslessRoundTripsAreExact) {
  const at::Tensor noise = at::randint(0, 256, {23, 37, 3}, at::TensorOptions().dtype(at::kByte));
  for (const std::string format : {"png", "bmp"}) {
    const std::vector<uint8_t> encoded = codec().encode(noise, format);
    const ImageInfo info = codec().probe(encoded);
    EXPECT_EQ(info.format, format);
    EXPECT_EQ(info.width, 37);
    EXPECT_EQ(info.height, 23);
    EXPECT_TRUE(at::equal(codec().decode(encoded), noise)) << format;
  }
}

TEST_P(Codec, LossyRoundTripsStayClose) {
  const at::Tensor img = smooth_image(48, 64, 3);
  for (const std::string format : {"jpg", "webp"}) {
    const std::vector<uint8_t> encoded = codec().encode(img, format);
    EXPECT_EQ(codec().probe(encoded).format, format);
    const at::Tensor back = codec().decode(encoded);
    ASSERT_EQ(back.sizes(), img.sizes());
    // Quality 95 with subsampled chroma on saturated colour waves: about 1 to 2.5 levels.
    EXPECT_LT(mean_abs_difference(back, img), 3.0) << format;
  }
}

TEST_P(Codec, BadArgumentsAreErrors) {
  const at::Tensor img = constant_image(8, 8, {1, 2, 3});
  EXPECT_EQ(error_of([&] { codec().encode(img, "tiff"); }),
            "image_codec/" + GetParam() + ": cannot encode to 'tiff' (formats: jpg, png, webp, bmp)");
  EXPECT_NE(error_of([&] { codec().encode(at::zeros({8, 8, 4}, at::kByte), "png"); })
                .find("expected an [H, W, 3] uint8 RGB tensor on the CPU, got [8, 8, 4] Byte"),
            std::string::npos);
  EXPECT_NE(error_of([&] { codec().resize(img.to(at::kFloat), 4, 4, ResizeMode::stretch); }).find("Float"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { codec().resize(img, 0, 4, ResizeMode::stretch); }),
            "image_codec/" + GetParam() + ": cannot resize: height = 0 (must be positive)");
}

INSTANTIATE_TEST_SUITE_P(Codecs, Codec, testing::ValuesIn(kCodecs), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace vlforge::test
