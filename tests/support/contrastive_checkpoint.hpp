// A composite SiglipModel / CLIPModel folder made from a fixture family's two towers
// (hf-reference/FAMILY/vision and FAMILY/text): what vision_encoder/siglip or /clip loads with
// text_tower = true. The weights are symlinked and listed by a model.safetensors.index.json; a
// CLIPModel also gets seeded random visual_projection / text_projection weights, as a real
// composite CLIP maps both towers into one space.
#pragma once

#include <filesystem>
#include <string>

namespace vlforge::test {

// `family`: "siglip" or "clip" (the fixture folder is FAMILY-tiny). Writes into `dir`.
std::filesystem::path contrastive_checkpoint(const std::string& family, const std::filesystem::path& dir);

}  // namespace vlforge::test
