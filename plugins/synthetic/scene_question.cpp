#include "scene_question.hpp"

#include <array>

#include "vlforge/error.hpp"

namespace vlforge::synthetic {

namespace {

constexpr std::array<std::string_view, 9> kColourNames{"red",    "orange", "yellow", "green", "blue",
                                                       "purple", "black",  "white",  "gray"};
constexpr std::array<std::string_view, 3> kCountNames{"one", "two", "three"};
constexpr std::array<std::string_view, 3> kShapeNames{"circle", "square", "triangle"};

// The choice lists must name what the scene code names.
constexpr bool same_colours() {
  for (size_t i = 0; i < kPalette.size(); ++i)
    if (kPalette[i].name != kColourNames[i]) return false;
  return kPalette.size() == kColourNames.size();
}
static_assert(same_colours(), "kColourNames must list kPalette's names in order");

}  // namespace

std::string_view question_kind_name(QuestionKind kind) {
  switch (kind) {
    case QuestionKind::background: return "background";
    case QuestionKind::count: return "count";
    case QuestionKind::colour: return "colour";
    case QuestionKind::shape: return "shape";
    case QuestionKind::describe: return "describe";
  }
  return "unknown";
}

std::vector<QuestionKind> question_kinds_for(const Scene& scene) {
  // Colour and shape questions ask about "the shape", which only a single-shape scene has.
  if (scene.shapes.size() == 1)
    return {QuestionKind::background, QuestionKind::count, QuestionKind::colour, QuestionKind::shape,
            QuestionKind::describe};
  return {QuestionKind::background, QuestionKind::count, QuestionKind::describe};
}

SceneQuestion ask(QuestionKind kind, const Scene& scene) {
  const bool single = scene.shapes.size() == 1;
  switch (kind) {
    case QuestionKind::background:
      return {kind, "What colour is the background?", std::string(kPalette[scene.background].name), kColourNames};
    case QuestionKind::count:
      if (scene.shapes.empty() || scene.shapes.size() > kCountNames.size()) break;
      return {kind, "How many shapes are there?", std::string(kCountNames[scene.shapes.size() - 1]), kCountNames};
    case QuestionKind::colour:
      if (!single) break;
      return {kind, "What colour is the shape?", std::string(kPalette[scene.shapes[0].colour].name), kColourNames};
    case QuestionKind::shape:
      if (!single) break;
      return {kind, "What shape is it?", std::string(shape_name(scene.shapes[0].kind)), kShapeNames};
    case QuestionKind::describe:
      return {kind, "Describe the image.", describe(scene), {}};
  }
  throw Error("synthetic question", "a '" + std::string(question_kind_name(kind)) + "' question does not apply to a scene of " +
                                        std::to_string(scene.shapes.size()) + " shapes");
}

}  // namespace vlforge::synthetic
