// Plugin `sentencepiece`: tokenizer/sentencepiece.
#include <memory>

#include "sentencepiece_tokenizer.hpp"
#include "vlforge/plugin.hpp"

namespace vlforge::spm {
namespace {

Schema<SentencePieceConfig> sentencepiece_schema() {
  Schema<SentencePieceConfig> s(
      "SentencePiece tokenizer (unigram or BPE .model, as written by spm_train), with the ids of libsentencepiece. "
      "Control pieces such as </s> written in the text map to their ids. bos/eos/pad are the model's (pad falls "
      "back to eos).");
  s.field("model", &SentencePieceConfig::model, "the SentencePiece .model file").required();
  s.field("add_bos", &SentencePieceConfig::add_bos, "start every encoded text with the bos id");
  s.field("add_eos", &SentencePieceConfig::add_eos, "end every encoded text with the eos id");
  s.field("chat_format", &SentencePieceConfig::chat_format,
          "chat template: none refuses chat templating; chatml writes <|im_start|>ROLE\\nCONTENT<|im_end|>\\n")
      .choices({"none", "chatml"});
  return s;
}

void register_components(Registrar& r) {
  r.add<Tokenizer>("sentencepiece", sentencepiece_schema(), [](const SentencePieceConfig& cfg, Context&) {
    return std::make_unique<SentencePieceTokenizer>(cfg);
  });
}

}  // namespace
}  // namespace vlforge::spm

VLFORGE_PLUGIN(vlforge::spm::register_components)
