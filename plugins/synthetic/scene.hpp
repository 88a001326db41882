// A scene of the synthetic world: 1-3 coloured shapes on a plain background, and the English
// caption that truly describes it. Scenes are drawn from a SplitMix64 stream, so a scene is a
// pure function of its generator state.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "splitmix64.hpp"

namespace vlforge::synthetic {

enum class ShapeKind : uint8_t { circle, square, triangle };

struct Colour {
  std::string_view name;
  uint8_t r, g, b;
};

// The fixed palette; captions name colours by these names.
inline constexpr std::array<Colour, 9> kPalette{{
    {"red", 220, 40, 40},
    {"orange", 245, 140, 30},
    {"yellow", 240, 210, 40},
    {"green", 40, 160, 60},
    {"blue", 40, 80, 220},
    {"purple", 140, 60, 180},
    {"black", 20, 20, 20},
    {"white", 245, 245, 245},
    {"gray", 128, 128, 128},
}};

struct Shape {
  ShapeKind kind;
  uint8_t colour;  // index into kPalette
  double cx, cy;   // centre, in units of the image side (0..1)
  double radius;   // half the extent, in units of the image side
};

// Shapes are laid out in a row (left to right) or a column (top to bottom), in this order, so
// that the spatial words of the caption are always true.
enum class Layout : uint8_t { row, column };

struct Scene {
  uint8_t background;  // index into kPalette
  Layout layout;
  std::vector<Shape> shapes;
};

Scene random_scene(SplitMix64& rng);

// "a red circle above a blue square on a white background", "two green triangles on a gray
// background", ...
std::string describe(const Scene& scene);

std::string_view shape_name(ShapeKind kind);

}  // namespace vlforge::synthetic
