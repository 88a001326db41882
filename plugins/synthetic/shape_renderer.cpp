#include "shape_renderer.hpp"

#include <algorithm>
#include <cmath>

namespace vlforge::synthetic {

namespace {

// dx, dy: offset of the pixel centre from the shape centre; r: the shape's half extent (pixels).
bool covers(ShapeKind kind, double dx, double dy, double r) {
  switch (kind) {
    case ShapeKind::circle:
      return dx * dx + dy * dy <= r * r;
    case ShapeKind::square: {
      // A little smaller than the bounding box, so a square looks as big as a circle.
      const double half = 0.85 * r;
      return std::abs(dx) <= half && std::abs(dy) <= half;
    }
    case ShapeKind::triangle:
      // Apex up at dy = -r, base at dy = +r, half width growing from 0 to r.
      return dy >= -r && dy <= r && std::abs(dx) <= (dy + r) / 2;
  }
  return false;
}

}  // namespace

std::vector<uint8_t> render(const Scene& scene, int size) {
  const size_t n = static_cast<size_t>(size);
  std::vector<uint8_t> rgb(n * n * 3);
  const Colour& bg = kPalette[scene.background];
  for (size_t p = 0; p < n * n; ++p) {
    rgb[3 * p] = bg.r;
    rgb[3 * p + 1] = bg.g;
    rgb[3 * p + 2] = bg.b;
  }
  for (const Shape& s : scene.shapes) {
    const Colour& c = kPalette[s.colour];
    const double cx = s.cx * size, cy = s.cy * size, r = s.radius * size;
    // Only the shape's bounding box can change.
    const int x0 = std::max(0, static_cast<int>(std::floor(cx - r)));
    const int x1 = std::min(size - 1, static_cast<int>(std::ceil(cx + r)));
    const int y0 = std::max(0, static_cast<int>(std::floor(cy - r)));
    const int y1 = std::min(size - 1, static_cast<int>(std::ceil(cy + r)));
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        if (!covers(s.kind, x + 0.5 - cx, y + 0.5 - cy, r)) continue;
        const size_t p = static_cast<size_t>(y) * n + static_cast<size_t>(x);
        rgb[3 * p] = c.r;
        rgb[3 * p + 1] = c.g;
        rgb[3 * p + 2] = c.b;
      }
    }
  }
  return rgb;
}

}  // namespace vlforge::synthetic
