#include "hf_bpe_tokenizer.hpp"

#include <algorithm>

#include "byte_level.hpp"
#include "vlforge/chat_format.hpp"
#include "tokenizer_config_json.hpp"
#include "tokenizer_json.hpp"
#include "utf8_repair.hpp"
#include "vlforge/error.hpp"

namespace vlforge::hf_bpe {
namespace {

using json = nlohmann::json;

const json& member(const json& object, const char* key) {
  static const json null;
  const auto it = object.find(key);
  return it == object.end() ? null : *it;
}

std::string string_member(const json& object, const char* key) {
  const json& v = member(object, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// Refuses the model settings that change the algorithm hf-bpe implements.
void check_model(const json& model, const TokenizerJson& parsed, const std::string& where) {
  if (!model.is_object()) throw Error(where, "no \"model\" object (not a Hugging Face tokenizer.json)");
  const std::string type = string_member(model, "type");
  // Files from before tokenizers 0.10 omit the type of a BPE model.
  if (type.empty() ? parsed.merges.empty() : type != "BPE")
    throw Error(where, "model type '" + (type.empty() ? std::string("(none)") : type) +
                           "' is not supported (hf-bpe reads byte-level BPE models, type \"BPE\")");
  if (model.contains("vocab")) throw Error(where, "model.vocab must be an object mapping each token to its id");
  if (model.contains("merges")) throw Error(where, "model.merges must be an array");
  if (!string_member(model, "continuing_subword_prefix").empty() || !string_member(model, "end_of_word_suffix").empty())
    throw Error(where, "model sets continuing_subword_prefix or end_of_word_suffix (hf-bpe reads byte-level BPE, "
                       "which uses neither)");
  // model.dropout is ignored: it is a training-time augmentation, and encoding here is deterministic.
}

void check_decoder(const json& decoder, const std::string& where) {
  if (string_member(decoder, "type") != "ByteLevel")
    throw Error(where, "decoder " + decoder.dump() + " is not supported (hf-bpe decodes byte-level BPE: {\"type\": \"ByteLevel\"})");
}

}  // namespace

HfBpeTokenizer::HfBpeTokenizer(const HfBpeConfig& cfg) : cfg_(cfg), where_(cfg.file.string()) {
  TokenizerJson parsed = read_tokenizer_json(cfg_.file);
  const json& doc = parsed.document;
  const json& model = member(doc, "model");
  check_model(model, parsed, where_);
  check_decoder(member(doc, "decoder"), where_);

  normalizer_ = std::make_unique<TextNormalizer>(member(doc, "normalizer"), where_);
  pre_tokenizer_ = std::make_unique<PreTokenizer>(member(doc, "pre_tokenizer"), where_);
  if (!pre_tokenizer_->has_byte_level())
    throw Error(where_, "pre_tokenizer has no ByteLevel step (hf-bpe reads byte-level BPE; a Metaspace or "
                        "byte_fallback tokenizer is SentencePiece-style: use tokenizer/sentencepiece)");
  const json& ignore_merges = member(model, "ignore_merges");
  model_ = std::make_unique<BpeModel>(std::move(parsed.vocab), parsed.merges,
                                      ignore_merges.is_boolean() && ignore_merges.get<bool>(), where_);
  added_ = std::make_unique<AddedTokens>(member(doc, "added_tokens"), *normalizer_, where_);

  vocab_size_ = model_->id_limit();
  for (const AddedToken& t : added_->all()) vocab_size_ = std::max(vocab_size_, t.id + 1);

  const SpecialTokenNames names = read_special_token_names(cfg_.file.parent_path() / "tokenizer_config.json");
  auto pick = [](const std::string& configured, const std::optional<std::string>& from_file) -> std::optional<std::string> {
    if (!configured.empty()) return configured;
    return from_file;
  };
  if (auto bos = pick(cfg_.bos_token, names.bos)) bos_id_ = special_id(*bos, "bos_token");
  std::optional<std::string> eos = pick(cfg_.eos_token, names.eos);
  if (!eos) {
    for (const char* fallback : {"<|im_end|>", "<|endoftext|>"})
      if (token_to_id(fallback)) {
        eos = fallback;
        break;
      }
  }
  if (!eos)
    throw Error(where_, "no end-of-sequence token: tokenizer_config.json names none and the vocabulary has neither "
                        "<|im_end|> nor <|endoftext|> (set eos_token)");
  eos_id_ = special_id(*eos, "eos_token");
  const std::optional<std::string> pad = pick(cfg_.pad_token, names.pad);
  pad_id_ = pad ? special_id(*pad, "pad_token") : eos_id_;
}

HfBpeTokenizer::~HfBpeTokenizer() = default;

int64_t HfBpeTokenizer::special_id(const std::string& token, const char* key) const {
  if (auto id = token_to_id(token)) return *id;
  throw Error(where_, std::string(key) + " '" + token + "' is not a token of this vocabulary (name an added token such as <|endoftext|>)");
}

void HfBpeTokenizer::encode_words(std::string_view text, std::vector<int64_t>& ids) const {
  std::vector<std::string> words;
  pre_tokenizer_->split(text, words);
  for (const std::string& w : words) model_->encode_word(w, ids);
}

std::vector<int64_t> HfBpeTokenizer::encode(std::string_view text) const {
  // Invalid bytes cannot reach the Unicode steps; they are encoded as U+FFFD.
  std::string repaired;
  if (!is_valid_utf8(text)) {
    repaired = repair_utf8(text);
    text = repaired;
  }
  std::vector<int64_t> ids;
  for (const TextSegment& raw : added_->split(text, false)) {
    if (raw.token) {
      ids.push_back(raw.token->id);
      continue;
    }
    const std::string normalized = normalizer_->apply(raw.text);
    if (!added_->has_normalized()) {
      encode_words(normalized, ids);
      continue;
    }
    for (const TextSegment& seg : added_->split(normalized, true)) {
      if (seg.token) ids.push_back(seg.token->id);
      else encode_words(seg.text, ids);
    }
  }
  return ids;
}

std::string HfBpeTokenizer::decode(std::span<const int64_t> ids, bool skip_special) const {
  std::string bytes;
  for (const int64_t id : ids) {
    if (const AddedToken* t = added_->find(id)) {
      if (!(skip_special && t->special)) bytes += t->content;
      continue;
    }
    const std::string* token = model_->id_to_token(id);
    if (token == nullptr)
      throw Error("tokenizer/hf-bpe", "cannot decode id " + std::to_string(id) + ": not in the vocabulary of " + where_ +
                                          " (ids are 0.." + std::to_string(vocab_size_ - 1) + ")");
    // A token outside the byte-level alphabet is kept as written, as Hugging Face's decoder does.
    if (auto raw = from_byte_level(*token)) bytes += *raw;
    else bytes += *token;
  }
  return repair_utf8(bytes);
}

std::optional<int64_t> HfBpeTokenizer::token_to_id(std::string_view token) const {
  if (const AddedToken* t = added_->find(token)) return t->id;
  return model_->token_to_id(token);
}

std::string HfBpeTokenizer::id_to_token(int64_t id) const {
  if (const AddedToken* t = added_->find(id)) return t->content;
  if (const std::string* token = model_->id_to_token(id)) return *token;
  throw Error("tokenizer/hf-bpe", "id " + std::to_string(id) + " is not in the vocabulary of " + where_ + " (ids are 0.." +
                                      std::to_string(vocab_size_ - 1) + ")");
}

std::string HfBpeTokenizer::apply_chat_template(std::span<const ChatMessage> messages, bool add_generation_prompt) const {
  if (cfg_.chat_format == "none")
    throw Error("tokenizer/hf-bpe", "this tokenizer has no chat template (chat_format = \"none\"; set chat_format = \"chatml\" for Qwen's format)");
  for (const char* marker : {"<|im_start|>", "<|im_end|>"})
    if (!added_->find(std::string_view(marker)))
      throw Error("tokenizer/hf-bpe", "chat_format \"chatml\" needs the added token " + std::string(marker) + ", which " +
                                          where_ + " lacks (use a tokenizer with ChatML tokens, or chat_format = \"none\")");
  return format_chatml(messages, add_generation_prompt);
}

}  // namespace vlforge::hf_bpe
