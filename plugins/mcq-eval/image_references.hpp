// MMMU writes where its images go into the text: "Compare <image 1> with <image 2>". A prompt
// asks each reference as an "<image>" marker with that image at the marker's place.
#pragma once

#include <string>
#include <vector>

#include "vlforge/image_input.hpp"

namespace vlforge::mcq_eval {

struct PlacedImages {
  std::string text;                // every "<image k>" replaced by "<image>"
  std::vector<ImageInput> images;  // one per marker, in the order of the markers
};

// Replaces the references in `text` by markers. Without references, every image goes before the
// text, one "<image>\n" each. A reference to an image the question lacks is an error naming `where`.
PlacedImages place_images(const std::string& text, const std::vector<ImageInput>& images, const std::string& where);

}  // namespace vlforge::mcq_eval
