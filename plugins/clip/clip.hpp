// CLIP (Radford et al., 2021), as transformers 4.44 implements CLIPModel: the towers the
// `vision_encoder/clip` component runs.
#pragma once

#include <torch/torch.h>

#include "vlforge/models/vit_vision_encoder.hpp"

namespace vlforge::clip {

// The image tower of `folder` (and its text tower when `text_tower`; a composite CLIPModel also
// gets its projections), with parameters created by `options`. Absent config keys take
// transformers' CLIPVisionConfig / CLIPTextConfig defaults.
models::VitTowers build_towers(const models::VitFolderConfig& folder, bool text_tower,
                               const at::TensorOptions& options);

}  // namespace vlforge::clip
