// Rasterises a synthetic Scene into an RGB image.
#pragma once

#include <cstdint>
#include <vector>

#include "scene.hpp"

namespace vlforge::synthetic {

// size x size pixels, row-major, 3 bytes (R, G, B) per pixel. Later shapes paint over earlier
// ones; a pixel belongs to a shape when its centre lies inside it.
std::vector<uint8_t> render(const Scene& scene, int size);

}  // namespace vlforge::synthetic
