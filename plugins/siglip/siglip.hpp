// SigLIP (Zhai et al., 2023), as transformers 4.44 implements SiglipModel: the towers the
// `vision_encoder/siglip` component runs.
#pragma once

#include <torch/torch.h>

#include "vlforge/models/vit_vision_encoder.hpp"

namespace vlforge::siglip {

// The image tower of `folder` (and its text tower when `text_tower`), with parameters created by
// `options`. Absent config keys take transformers' SiglipVisionConfig / SiglipTextConfig defaults.
models::VitTowers build_towers(const models::VitFolderConfig& folder, bool text_tower,
                               const at::TensorOptions& options);

}  // namespace vlforge::siglip
