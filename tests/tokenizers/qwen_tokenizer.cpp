#include "qwen_tokenizer.hpp"

#include "component_factory.hpp"
#include "test_paths.hpp"

namespace vlforge::test {

std::filesystem::path qwen_tokenizer_dir() { return hf_fixtures_dir() / "tokenizer-qwen"; }

const Tokenizer& qwen_tokenizer() {
  static ComponentMaker maker;
  static const std::shared_ptr<Tokenizer> tokenizer = maker.make<Tokenizer>(
      "use = \"tokenizer/hf-bpe\"\nfile = '" + (qwen_tokenizer_dir() / "tokenizer.json").string() + "'\n");
  return *tokenizer;
}

}  // namespace vlforge::test
