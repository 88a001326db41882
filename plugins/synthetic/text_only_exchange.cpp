#include "text_only_exchange.hpp"

#include <array>
#include <string_view>

#include "scene.hpp"

namespace vlforge::synthetic {

namespace {

std::vector<TextOnlyExchange> build() {
  std::vector<TextOnlyExchange> out;
  out.push_back({"How many sides does a triangle have?", "three"});
  out.push_back({"How many sides does a square have?", "four"});
  for (const Colour& c : kPalette) out.push_back({"Is " + std::string(c.name) + " a colour or a shape?", "a colour"});
  for (ShapeKind kind : {ShapeKind::circle, ShapeKind::square, ShapeKind::triangle})
    out.push_back({"Is " + std::string(shape_name(kind)) + " a colour or a shape?", "a shape"});
  constexpr std::array<std::string_view, 4> kNumbers{"one", "two", "three", "four"};
  for (size_t i = 0; i + 1 < kNumbers.size(); ++i)
    out.push_back({"What number comes after " + std::string(kNumbers[i]) + "?", std::string(kNumbers[i + 1])});
  return out;
}

}  // namespace

const std::vector<TextOnlyExchange>& text_only_exchanges() {
  static const std::vector<TextOnlyExchange> exchanges = build();
  return exchanges;
}

}  // namespace vlforge::synthetic
