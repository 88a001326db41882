// Text-only question/answer pairs in the synthetic world's vocabulary: conversations without an
// image, so that training sees text-only batches as well. The list is fixed and small.
#pragma once

#include <string>
#include <vector>

namespace vlforge::synthetic {

struct TextOnlyExchange {
  std::string question;
  std::string answer;
};

// "How many sides does a square have?" -> "four", "Is red a colour or a shape?" -> "a colour", ...
const std::vector<TextOnlyExchange>& text_only_exchanges();

}  // namespace vlforge::synthetic
