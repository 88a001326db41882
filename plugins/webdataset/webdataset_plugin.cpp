// Plugin `webdataset`: dataset/webdataset, image-caption records from WebDataset tar shards.
#include <memory>

#include "vlforge/plugin.hpp"
#include "webdataset_config.hpp"
#include "webdataset_dataset.hpp"

namespace vlforge::webdataset {
namespace {

Schema<WebDatasetConfig> webdataset_schema() {
  Schema<WebDatasetConfig> s(
      "Image-caption samples from WebDataset tar shards (KEY.jpg, KEY.txt, KEY.json with \"uid\"). Records "
      "are streamed one at a time. A bad record is skipped and listed with its reason (\"missing image\", "
      "\"empty image\", \"corrupt image\", \"image too small\", \"image too large\", \"missing .txt\", "
      "\"caption not UTF-8\", \"empty caption\", \"missing .json\", \"invalid .json\", \"missing uid\"), as is "
      "tar damage (\"truncated tar\", \"unsafe entry name\", \"not a regular file\", \"no extension\", "
      "\"duplicate entry\"); none of them stops the run. Tar entry names are never used as paths.");
  s.field("shards", &WebDatasetConfig::shards,
          "tar shards as a brace pattern, e.g. \"data/{00000000..00001279}.tar\" or \"{a,b}/{0..9}.tar\" (Python "
          "braceexpand rules), a folder (its .tar files in name order) or a .txt list of shards, one per line "
          "(stage/filter's shards.txt); relative paths are relative to the current directory; every named file "
          "must exist")
      .required();
  s.field("caption", &WebDatasetConfig::caption, "extension of the caption file (UTF-8 text)");
  s.field("image_extensions", &WebDatasetConfig::image_extensions,
          "extensions of image files, in order of preference when a record has several; \"jpeg\" comes out as "
          "image_format \"jpg\"");
  s.field("require_image", &WebDatasetConfig::require_image,
          "skip records without an image (\"missing image\"); when false they become text-only samples");
  s.field("check_images", &WebDatasetConfig::check_images,
          "how images are checked: \"header\" reads only the header for the size limits (cheap), \"decode\" also "
          "decodes the pixels (catches corrupt image data, costs a full decode), \"none\" checks nothing but "
          "emptiness and creates no codec")
      .choices({"header", "decode", "none"});
  s.field("codec", &WebDatasetConfig::codec, "the image codec that probes and decodes images for check_images")
      .kind("image_codec");
  s.field("min_image_side", &WebDatasetConfig::min_image_side,
          "smallest width and height kept, in pixels (\"image too small\")")
      .min(1);
  s.field("max_image_pixels", &WebDatasetConfig::max_image_pixels,
          "largest width x height kept (\"image too large\"); the default is PIL's decompression-bomb limit")
      .min(1);
  return s;
}

void register_components(Registrar& r) {
  r.add<Dataset>("webdataset", webdataset_schema(), [](const WebDatasetConfig& cfg, Context& ctx) {
    return std::make_unique<WebDatasetDataset>(cfg, ctx);
  });
}

}  // namespace
}  // namespace vlforge::webdataset

VLFORGE_PLUGIN(vlforge::webdataset::register_components)
