#include "sentencepiece_tokenizer.hpp"

#include <algorithm>

#include "vlforge/chat_format.hpp"
#include "vlforge/error.hpp"

namespace vlforge::spm {
namespace {

constexpr const char* kWhere = "tokenizer/sentencepiece";

void append_ids(void* user, const int32_t* ids, size_t count) {
  auto* out = static_cast<std::vector<int64_t>*>(user);
  out->insert(out->end(), ids, ids + count);
}

void append_text(void* user, const char* text, size_t size) { static_cast<std::string*>(user)->append(text, size); }

}  // namespace

SentencePieceTokenizer::SentencePieceTokenizer(const SentencePieceConfig& cfg)
    : cfg_(cfg), shim_(spm_shim()), model_(nullptr, ModelDeleter{&shim_}) {
  const std::string where = cfg_.model.string();
  if (!std::filesystem::is_regular_file(cfg_.model))
    throw Error(where, "no such SentencePiece model file (set `model` to a .model file written by spm_train)");
  char error[512] = {};
  model_.reset(shim_.load(cfg_.model.c_str(), error, sizeof error));
  if (!model_) throw Error(where, std::string("not a SentencePiece model: ") + error);

  vocab_size_ = shim_.vocab_size(model_.get());
  if (const int32_t bos = shim_.bos_id(model_.get()); bos >= 0) bos_id_ = bos;
  const int32_t eos = shim_.eos_id(model_.get());
  if (eos < 0) throw Error(where, "the model has no end-of-sequence piece (train it with --eos_id set to an id >= 0)");
  eos_id_ = eos;
  const int32_t pad = shim_.pad_id(model_.get());
  pad_id_ = pad >= 0 ? pad : eos_id_;
  if (cfg_.add_bos && !bos_id_)
    throw Error(where, "add_bos = true, but the model has no beginning-of-sequence piece (train it with --bos_id >= 0)");

  for (int32_t id = 0; id < vocab_size_; ++id) {
    if (shim_.piece_type(model_.get(), id) != VLFORGE_SPM_CONTROL) continue;
    std::string piece;
    shim_.id_to_piece(model_.get(), id, append_text, &piece);
    control_ids_.insert(id);
    if (!piece.empty()) control_pieces_.emplace_back(std::move(piece), id);
  }
  std::stable_sort(control_pieces_.begin(), control_pieces_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

SentencePieceTokenizer::~SentencePieceTokenizer() = default;

void SentencePieceTokenizer::encode_sentence(std::string_view text, std::vector<int64_t>& ids) const {
  if (text.empty()) return;
  char error[512] = {};
  if (shim_.encode(model_.get(), text.data(), text.size(), append_ids, &ids, error, sizeof error) != 0)
    throw Error(kWhere, std::string("sentencepiece could not encode the text: ") + error);
}

std::vector<int64_t> SentencePieceTokenizer::encode(std::string_view text) const {
  std::vector<int64_t> ids;
  if (cfg_.add_bos) ids.push_back(*bos_id_);
  // Leftmost-longest match of the control pieces, the text between them encoded as sentences.
  size_t begin = 0;
  for (size_t pos = 0; pos < text.size();) {
    const std::pair<std::string, int64_t>* match = nullptr;
    for (const auto& control : control_pieces_)
      if (text.compare(pos, control.first.size(), control.first) == 0) {
        match = &control;
        break;
      }
    if (match == nullptr) {
      ++pos;
      continue;
    }
    encode_sentence(text.substr(begin, pos - begin), ids);
    ids.push_back(match->second);
    pos = begin = pos + match->first.size();
  }
  encode_sentence(text.substr(begin), ids);
  if (cfg_.add_eos) ids.push_back(eos_id_);
  return ids;
}

void SentencePieceTokenizer::check_id(int64_t id) const {
  if (id < 0 || id >= vocab_size_)
    throw Error(kWhere, "id " + std::to_string(id) + " is not in the vocabulary of " + cfg_.model.string() + " (ids are 0.." +
                            std::to_string(vocab_size_ - 1) + ")");
}

void SentencePieceTokenizer::decode_run(std::span<const int32_t> ids, std::string& out) const {
  if (ids.empty()) return;
  char error[512] = {};
  if (shim_.decode(model_.get(), ids.data(), ids.size(), append_text, &out, error, sizeof error) != 0)
    throw Error(kWhere, std::string("sentencepiece could not decode the ids: ") + error);
}

std::string SentencePieceTokenizer::decode(std::span<const int64_t> ids, bool skip_special) const {
  // sentencepiece drops control pieces when decoding; they are written out here unless skipped.
  std::string out;
  std::vector<int32_t> run;
  for (const int64_t id : ids) {
    check_id(id);
    if (!control_ids_.contains(id)) {
      run.push_back(static_cast<int32_t>(id));
      continue;
    }
    decode_run(run, out);
    run.clear();
    if (!skip_special) out += id_to_token(id);
  }
  decode_run(run, out);
  return out;
}

std::optional<int64_t> SentencePieceTokenizer::token_to_id(std::string_view token) const {
  const int32_t id = shim_.piece_to_id(model_.get(), token.data(), token.size());
  if (id < 0) return std::nullopt;
  return id;
}

std::string SentencePieceTokenizer::id_to_token(int64_t id) const {
  check_id(id);
  std::string piece;
  shim_.id_to_piece(model_.get(), static_cast<int32_t>(id), append_text, &piece);
  return piece;
}

std::string SentencePieceTokenizer::apply_chat_template(std::span<const ChatMessage> messages,
                                                        bool add_generation_prompt) const {
  if (cfg_.chat_format == "none")
    throw Error(kWhere, "this tokenizer has no chat template (set chat_format = \"chatml\" to use Qwen's ChatML format)");
  return format_chatml(messages, add_generation_prompt);
}

}  // namespace vlforge::spm
