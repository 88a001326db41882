// Plugin `hf-bpe`: tokenizer/hf-bpe.
#include <memory>

#include "hf_bpe_tokenizer.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::hf_bpe {
namespace {

Schema<HfBpeConfig> hf_bpe_schema() {
  Schema<HfBpeConfig> s(
      "Byte-level BPE tokenizer read from a Hugging Face tokenizer.json (Qwen2/2.5/3, GPT-2, Llama 3 style): "
      "added tokens, NFC normalizer, regex Split and ByteLevel pre-tokenizers, BPE merges. Encodes to the same "
      "ids as Hugging Face tokenizers and adds no BOS/EOS. Special-token names default to those of "
      "tokenizer_config.json beside the file.");
  s.field("file", &HfBpeConfig::file, "the tokenizer.json").required();
  s.field("bos_token", &HfBpeConfig::bos_token,
          "beginning-of-sequence token (empty: tokenizer_config.json's bos_token, else none)");
  s.field("eos_token", &HfBpeConfig::eos_token,
          "end-of-sequence / end-of-turn token (empty: tokenizer_config.json's eos_token, else <|im_end|> or "
          "<|endoftext|>)");
  s.field("pad_token", &HfBpeConfig::pad_token,
          "padding token (empty: tokenizer_config.json's pad_token, else the eos token)");
  s.field("chat_format", &HfBpeConfig::chat_format,
          "chat template: chatml is Qwen's <|im_start|>ROLE\\nCONTENT<|im_end|>\\n; none refuses chat templating")
      .choices({"chatml", "none"});
  return s;
}

void register_components(Registrar& r) {
  r.add<Tokenizer>("hf-bpe", hf_bpe_schema(),
                   [](const HfBpeConfig& cfg, Context&) { return std::make_unique<HfBpeTokenizer>(cfg); });
}

}  // namespace
}  // namespace vlforge::hf_bpe

VLFORGE_PLUGIN(vlforge::hf_bpe::register_components)
