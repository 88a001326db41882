// Questions about a synthetic Scene with short, closed-vocabulary answers that are true of the
// rendered image, so that a model's answers can be scored by exact match and compared with chance.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scene.hpp"

namespace vlforge::synthetic {

enum class QuestionKind : uint8_t {
  background,  // "What colour is the background?" -> a palette colour
  count,       // "How many shapes are there?" -> one, two, three
  colour,      // single-shape scenes: "What colour is the shape?" -> a palette colour
  shape,       // single-shape scenes: "What shape is it?" -> circle, square, triangle
  describe,    // "Describe the image." -> the caption (open-ended: no choices)
};

std::string_view question_kind_name(QuestionKind kind);

struct SceneQuestion {
  QuestionKind kind;
  std::string_view question;
  std::string answer;
  // Every answer a question of this kind can have; empty for open-ended kinds.
  std::span<const std::string_view> choices;
};

// The kinds that have a true answer for `scene`, in QuestionKind order.
std::vector<QuestionKind> question_kinds_for(const Scene& scene);

// Throws vlforge::Error when `kind` does not apply to `scene` (see question_kinds_for).
SceneQuestion ask(QuestionKind kind, const Scene& scene);

}  // namespace vlforge::synthetic
