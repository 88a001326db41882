#include "image_references.hpp"

#include <regex>

#include "vlforge/error.hpp"

namespace vlforge::mcq_eval {

PlacedImages place_images(const std::string& text, const std::vector<ImageInput>& images, const std::string& where) {
  static const std::regex kReference(R"(<image (\d{1,4})>)");
  PlacedImages placed;
  size_t copied = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kReference); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    const size_t k = std::stoul(m[1].str());
    if (k == 0 || k > images.size())
      throw Error(where, "the text refers to <image " + m[1].str() + "> but the question has " +
                             std::to_string(images.size()) + " image(s)");
    placed.text += text.substr(copied, static_cast<size_t>(m.position(0)) - copied) + "<image>";
    copied = static_cast<size_t>(m.position(0) + m.length(0));
    placed.images.push_back(images[k - 1]);
  }
  if (placed.images.empty()) {
    for (const ImageInput& image : images) {
      placed.text += "<image>\n";
      placed.images.push_back(image);
    }
    placed.text += text;
    return placed;
  }
  placed.text += text.substr(copied);
  return placed;
}

}  // namespace vlforge::mcq_eval
