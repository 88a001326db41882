#include "scene.hpp"

#include <algorithm>

namespace vlforge::synthetic {

namespace {

// "a red", "an orange": the indefinite article that goes with `word`.
std::string with_article(std::string_view word) {
  const bool vowel = !word.empty() && std::string_view("aeiou").find(word.front()) != std::string_view::npos;
  std::string out = vowel ? "an " : "a ";
  out += word;
  return out;
}

std::string with_article(std::string_view colour, ShapeKind kind) {
  std::string out = with_article(colour);
  out += ' ';
  out += shape_name(kind);
  return out;
}

bool same_look(const Shape& a, const Shape& b) { return a.kind == b.kind && a.colour == b.colour; }

}  // namespace

std::string_view shape_name(ShapeKind kind) {
  switch (kind) {
    case ShapeKind::circle: return "circle";
    case ShapeKind::square: return "square";
    case ShapeKind::triangle: return "triangle";
  }
  return "shape";
}

Scene random_scene(SplitMix64& rng) {
  Scene scene;
  scene.background = static_cast<uint8_t>(rng.below(kPalette.size()));
  const int count = 1 + static_cast<int>(rng.below(3));
  scene.layout = rng.below(2) == 0 ? Layout::row : Layout::column;
  // Each shape gets its own cell along the layout axis; the jitter keeps it inside the cell, so
  // the order along the axis (and hence "left of" / "above") never changes.
  const double cell = 1.0 / count;
  for (int i = 0; i < count; ++i) {
    Shape s;
    s.kind = static_cast<ShapeKind>(rng.below(3));
    // Any palette colour but the background's, so every shape is visible.
    s.colour = static_cast<uint8_t>(rng.below(kPalette.size() - 1));
    if (s.colour >= scene.background) ++s.colour;
    s.radius = cell * (0.26 + 0.14 * rng.unit());
    const double along = (i + 0.5) * cell + (rng.unit() - 0.5) * (cell - 2 * s.radius);
    const double across = 0.5 + (rng.unit() - 0.5) * (1.0 - 2 * s.radius);
    s.cx = scene.layout == Layout::row ? along : across;
    s.cy = scene.layout == Layout::row ? across : along;
    scene.shapes.push_back(s);
  }
  return scene;
}

std::string describe(const Scene& scene) {
  const auto& shapes = scene.shapes;
  const auto colour = [](const Shape& s) { return kPalette[s.colour].name; };
  std::string out;
  const bool all_same = std::all_of(shapes.begin(), shapes.end(),
                                    [&](const Shape& s) { return same_look(s, shapes.front()); });
  if (shapes.size() == 1) {
    out = with_article(colour(shapes[0]), shapes[0].kind);
  } else if (all_same) {
    out = shapes.size() == 2 ? "two " : "three ";
    out += colour(shapes[0]);
    out += ' ';
    out += shape_name(shapes[0].kind);
    out += 's';
  } else if (shapes.size() == 2) {
    out = with_article(colour(shapes[0]), shapes[0].kind);
    out += scene.layout == Layout::row ? " to the left of " : " above ";
    out += with_article(colour(shapes[1]), shapes[1].kind);
  } else {
    for (size_t i = 0; i < shapes.size(); ++i) {
      if (i > 0) out += i + 1 == shapes.size() ? " and " : ", ";
      out += with_article(colour(shapes[i]), shapes[i].kind);
    }
    out += scene.layout == Layout::row ? " from left to right" : " from top to bottom";
  }
  out += " on ";
  out += with_article(kPalette[scene.background].name);
  out += " background";
  return out;
}

}  // namespace vlforge::synthetic
