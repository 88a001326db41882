// Plugin `opencv-codec`: image_codec/opencv.
#include <memory>

#include "opencv_codec.hpp"
#include "vlforge/context.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::opencv_codec {
namespace {

Schema<OpenCvCodecConfig> opencv_codec_schema() {
  Schema<OpenCvCodecConfig> s(
      "Image codec on OpenCV (libjpeg-turbo, libpng, libwebp): decodes jpg (incl. CMYK and progressive), png (incl. "
      "16-bit and alpha), webp, bmp, pgm/ppm to [H, W, 3] uint8 RGB, alpha dropped and EXIF orientation not applied, "
      "as PIL's Image.open(...).convert(\"RGB\"); a JPEG cut short is refused. Encodes jpg, png, webp, bmp. Resizing "
      "shrinks with INTER_AREA (averaging, antialiased) and enlarges with INTER_CUBIC; shorter_side keeps the aspect "
      "ratio as img2dataset does; pad_square pads with the image's own mean colour, centred, then resizes.");
  s.field("quality", &OpenCvCodecConfig::quality, "quality of jpg and webp encodes").range(1, 100);
  s.field("max_pixels", &OpenCvCodecConfig::max_pixels,
          "largest width x height decoded; larger images are refused from their header, before decoding (default: "
          "where PIL refuses an image as a decompression bomb)")
      .min(1);
  return s;
}

void register_components(Registrar& r) {
  r.add<ImageCodec>("opencv", opencv_codec_schema(),
                    [](const OpenCvCodecConfig& cfg, Context&) { return std::make_unique<OpenCvCodec>(cfg); });
}

}  // namespace
}  // namespace vlforge::opencv_codec

VLFORGE_PLUGIN(vlforge::opencv_codec::register_components)
