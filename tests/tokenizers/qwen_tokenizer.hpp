// The Qwen tokenizer fixture (tokenizer-qwen/ of the Hugging Face reference fixtures), created
// once per test process through the plugin host, as a recipe would create it.
#pragma once

#include <filesystem>
#include <memory>

#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge::test {

std::filesystem::path qwen_tokenizer_dir();
const Tokenizer& qwen_tokenizer();

}  // namespace vlforge::test
