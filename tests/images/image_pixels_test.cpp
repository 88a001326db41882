// normalize_image against a hand computation, and image_pixels end to end with both codecs:
// stretch (SigLIP), pad_square with the processor's mean colour (LLaVA's expand2square, as
// MLM-Filter prepares images) and shorter_side with a centre crop (CLIP).
#include "vlforge/image_pixels.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "error_text.hpp"
#include "image_codecs.hpp"
#include "vlforge/error.hpp"

namespace vlforge::test {
namespace {

// CLIP's processor statistics: mean and std differ per channel, so a swapped channel shows.
ImagePreprocess clip_preprocess(int64_t size) {
  ImagePreprocess p;
  p.image_size = size;
  p.mean = {0.48145466, 0.4578275, 0.40821073};
  p.std = {0.26862954, 0.26130258, 0.27577711};
  return p;
}

double normalised(int value, const ImagePreprocess& p, size_t c) { return (value / 255.0 - p.mean[c]) / p.std[c]; }

at::Tensor constant_image(int64_t height, int64_t width, std::array<uint8_t, 3> colour) {
  at::Tensor img = at::empty({height, width, 3}, at::kByte);
  for (int64_t c = 0; c < 3; ++c) img.select(2, c).fill_(colour[c]);
  return img;
}

// Every value of channel c of `pixels` in the given rows is `expected[c]`.
void expect_rows(const at::Tensor& pixels, int64_t first, int64_t count, const std::array<double, 3>& expected) {
  for (int64_t c = 0; c < 3; ++c) {
    const at::Tensor rows = pixels[c].narrow(0, first, count);
    EXPECT_NEAR(rows.min().item<double>(), expected[static_cast<size_t>(c)], 1e-6) << "channel " << c;
    EXPECT_NEAR(rows.max().item<double>(), expected[static_cast<size_t>(c)], 1e-6) << "channel " << c;
  }
}

TEST(NormalizeImage, MatchesTheHandComputationChannelByChannel) {
  const std::vector<uint8_t> values = {0, 255, 128, 7, 99, 200, 31, 64, 250, 1, 2, 3};  // [2, 2, 3]
  const at::Tensor rgb = at::tensor(values).view({2, 2, 3});
  const ImagePreprocess p = clip_preprocess(2);
  const at::Tensor out = normalize_image(rgb, p);
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{3, 2, 2}));
  EXPECT_EQ(out.scalar_type(), at::kFloat);
  EXPECT_TRUE(out.is_contiguous());
  for (int64_t y = 0; y < 2; ++y)
    for (int64_t x = 0; x < 2; ++x)
      for (size_t c = 0; c < 3; ++c)
        EXPECT_NEAR(out[static_cast<int64_t>(c)][y][x].item<double>(),
                    normalised(values[static_cast<size_t>((y * 2 + x) * 3) + c], p, c), 1e-6)
            << "y " << y << " x " << x << " c " << c;
}

TEST(NormalizeImage, RefusesWhatIsNotAnRgbImage) {
  const ImagePreprocess p = clip_preprocess(2);
  EXPECT_NE(error_of([&] { normalize_image(at::zeros({2, 2, 3}, at::kFloat), p); })
                .find("image_pixels: expected an [H, W, 3] uint8 RGB tensor, got [2, 2, 3] Float"),
            std::string::npos);
  ImagePreprocess zero_std = p;
  zero_std.std[1] = 0;
  EXPECT_EQ(error_of([&] { normalize_image(at::zeros({2, 2, 3}, at::kByte), zero_std); }),
            "image_pixels: std[1] = 0.000000 (must be positive)");
}

class ImagePixels : public testing::TestWithParam<std::string> {
 protected:
  ImageCodec& codec() { return image_codec(GetParam()); }
  std::vector<uint8_t> png(const at::Tensor& rgb) { return codec().encode(rgb, "png"); }
};

TEST_P(ImagePixels, StretchGivesTheNormalisedSquare) {
  ImagePreprocess p;  // SigLIP: 384, mean = std = 0.5
  p.image_size = 24;
  const at::Tensor pixels = image_pixels(codec(), png(constant_image(30, 50, {200, 100, 50})), p, ResizeMode::stretch);
  ASSERT_EQ(pixels.sizes(), (std::vector<int64_t>{3, 24, 24}));
  EXPECT_EQ(pixels.scalar_type(), at::kFloat);
  expect_rows(pixels, 0, 24, {200 / 127.5 - 1, 100 / 127.5 - 1, 50 / 127.5 - 1});
}

TEST_P(ImagePixels, PadSquareUsesTheProcessorMeanLikeExpand2square) {
  // 16 wide, 8 high: padded to 16x16 with rows 0-3 and 12-15 of int(mean * 255) = (122, 116, 104);
  // image_size 16 leaves the square unresized.
  const ImagePreprocess p = clip_preprocess(16);
  const at::Tensor pixels = image_pixels(codec(), png(constant_image(8, 16, {200, 30, 90})), p, ResizeMode::pad_square);
  ASSERT_EQ(pixels.sizes(), (std::vector<int64_t>{3, 16, 16}));
  const std::array<double, 3> band = {normalised(122, p, 0), normalised(116, p, 1), normalised(104, p, 2)};
  expect_rows(pixels, 0, 4, band);
  expect_rows(pixels, 12, 4, band);
  expect_rows(pixels, 4, 8, {normalised(200, p, 0), normalised(30, p, 1), normalised(90, p, 2)});
}

TEST_P(ImagePixels, ShorterSideKeepsTheCentreSquare) {
  // 32 wide, 16 high, already 16 on its shorter side: the crop keeps columns 8-23, all green.
  at::Tensor img = constant_image(16, 32, {255, 0, 0});
  img.narrow(1, 8, 16).copy_(constant_image(16, 16, {0, 255, 0}));
  img.narrow(1, 24, 8).copy_(constant_image(16, 8, {0, 0, 255}));
  const ImagePreprocess p = clip_preprocess(16);
  const at::Tensor pixels = image_pixels(codec(), png(img), p, ResizeMode::shorter_side);
  ASSERT_EQ(pixels.sizes(), (std::vector<int64_t>{3, 16, 16}));
  expect_rows(pixels, 0, 16, {normalised(0, p, 0), normalised(255, p, 1), normalised(0, p, 2)});
}

TEST_P(ImagePixels, CorruptBytesAreErrors) {
  EXPECT_THROW(image_pixels(codec(), test_image("truncated.jpg"), ImagePreprocess{}, ResizeMode::stretch),
               Error);
}

INSTANTIATE_TEST_SUITE_P(Codecs, ImagePixels, testing::ValuesIn(kCodecs), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace vlforge::test
