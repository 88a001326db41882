// Plugin `stb-codec`: image_codec/stb.
#include <memory>

#include "stb_codec.hpp"
#include "vlforge/context.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::stb_codec {
namespace {

Schema<StbCodecConfig> stb_codec_schema() {
  Schema<StbCodecConfig> s(
      "Image codec without OpenCV: stb_image decodes jpg (incl. CMYK and progressive), png (incl. 16-bit and alpha), "
      "gif (first frame), bmp, pgm/ppm, and libwebp decodes webp, to [H, W, 3] uint8 RGB, alpha dropped and EXIF "
      "orientation not applied, as PIL's Image.open(...).convert(\"RGB\"); a JPEG cut short is refused. Encodes jpg, "
      "png, bmp (stb_image_write) and webp (libwebp). Resizing is stb_image_resize's Catmull-Rom cubic, widened when "
      "shrinking (antialiased): the kernel of PIL's BICUBIC; shorter_side keeps the aspect ratio as img2dataset does; "
      "pad_square pads with the image's own mean colour, centred, then resizes.");
  s.field("quality", &StbCodecConfig::quality, "quality of jpg and webp encodes").range(1, 100);
  s.field("max_pixels", &StbCodecConfig::max_pixels,
          "largest width x height decoded; larger images are refused from their header, before decoding (default: "
          "where PIL refuses an image as a decompression bomb)")
      .min(1);
  return s;
}

void register_components(Registrar& r) {
  r.add<ImageCodec>("stb", stb_codec_schema(),
                    [](const StbCodecConfig& cfg, Context&) { return std::make_unique<StbCodec>(cfg); });
}

}  // namespace
}  // namespace vlforge::stb_codec

VLFORGE_PLUGIN(vlforge::stb_codec::register_components)
