#include "tokenizer_json.hpp"

#include <fstream>
#include <sstream>

#include "vlforge/error.hpp"

namespace vlforge::hf_bpe {
namespace {

using json = nlohmann::json;

// A SAX handler that builds the document like nlohmann's own DOM parser, except for the two big
// members model.vocab and model.merges, which it captures into TokenizerJson's lists.
class TokenizerJsonSax final : public nlohmann::json_sax<json> {
 public:
  explicit TokenizerJsonSax(TokenizerJson& out) : out_(out) {}

  bool null() override { return value(json(nullptr)); }
  bool boolean(bool v) override { return value(json(v)); }
  bool number_integer(number_integer_t v) override {
    if (capture_ == Capture::vocab) return vocab_id(v);
    return value(json(v));
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (capture_ == Capture::vocab) return vocab_id(static_cast<int64_t>(v));
    return value(json(v));
  }
  bool number_float(number_float_t v, const string_t&) override { return value(json(v)); }
  bool string(string_t& v) override {
    if (capture_ == Capture::merges) return merge_part(v);
    return value(json(std::move(v)));
  }
  bool binary(binary_t&) override { return fail("binary values are not JSON"); }

  bool key(string_t& k) override {
    if (capture_ == Capture::vocab) {
      pending_token_ = std::move(k);
      return true;
    }
    key_ = std::move(k);
    return true;
  }

  bool start_object(std::size_t) override {
    if (capture_ == Capture::merges) return fail("model.merges entries must be \"a b\" strings or [\"a\", \"b\"] pairs");
    if (capture_ == Capture::none && at_model_member("vocab")) {
      capture_ = Capture::vocab;
      return true;
    }
    if (capture_ != Capture::none) return fail("model.vocab must map each token to an integer id");
    return open(json::object());
  }
  bool end_object() override {
    if (capture_ == Capture::vocab) {
      capture_ = Capture::none;
      return true;
    }
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    if (capture_ == Capture::vocab) return fail("model.vocab must map each token to an integer id");
    if (capture_ == Capture::merges) {
      if (in_pair_) return fail("model.merges entries must be \"a b\" strings or [\"a\", \"b\"] pairs");
      in_pair_ = true;
      pair_.clear();
      return true;
    }
    if (at_model_member("merges")) {
      capture_ = Capture::merges;
      return true;
    }
    return open(json::array());
  }
  bool end_array() override {
    if (capture_ == Capture::merges) {
      if (!in_pair_) {
        capture_ = Capture::none;
        return true;
      }
      in_pair_ = false;
      if (pair_.size() != 2) return fail("model.merges pair " + std::to_string(out_.merges.size()) + " has " +
                                         std::to_string(pair_.size()) + " parts (must be [\"a\", \"b\"])");
      out_.merges.emplace_back(std::move(pair_[0]), std::move(pair_[1]));
      return true;
    }
    stack_.pop_back();
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    // nlohmann's messages start with "[json.exception.parse_error.101] "; the rest says where.
    std::string what = e.what();
    if (auto pos = what.find("] "); pos != std::string::npos) what.erase(0, pos + 2);
    error_ = "malformed JSON: " + what;
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  enum class Capture { none, vocab, merges };

  // True when the value about to start is document["model"][member].
  bool at_model_member(const char* member) const {
    return stack_.size() == 2 && stack_[1].key == "model" && stack_[1].node->is_object() && key_ == member;
  }

  json* add(json v) {
    if (stack_.empty()) {
      out_.document = std::move(v);
      return &out_.document;
    }
    json& top = *stack_.back().node;
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    json& slot = top[key_];
    slot = std::move(v);
    return &slot;
  }
  bool value(json v) {
    if (capture_ == Capture::vocab) return fail("model.vocab must map each token to an integer id");
    if (capture_ == Capture::merges) return fail("model.merges entries must be \"a b\" strings or [\"a\", \"b\"] pairs");
    add(std::move(v));
    return true;
  }
  bool open(json container) {
    std::string under = (stack_.empty() || stack_.back().node->is_array()) ? std::string() : key_;
    json* node = add(std::move(container));
    stack_.push_back(Frame{node, std::move(under)});
    return true;
  }
  bool vocab_id(int64_t id) {
    out_.vocab.emplace_back(std::move(pending_token_), id);
    return true;
  }
  bool merge_part(string_t& part) {
    if (in_pair_) {
      pair_.push_back(std::move(part));
      return true;
    }
    // Older files write a merge as one string "a b"; tokens never contain a space in that form.
    const auto space = part.find(' ');
    if (space == std::string::npos || part.find(' ', space + 1) != std::string::npos)
      return fail("model.merges entry " + std::to_string(out_.merges.size()) + " '" + part +
                  "' is not two tokens separated by one space");
    out_.merges.emplace_back(part.substr(0, space), part.substr(space + 1));
    return true;
  }
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  struct Frame {
    json* node;
    std::string key;  // the key this container sits under in its parent object
  };

  TokenizerJson& out_;
  std::vector<Frame> stack_;
  std::string key_;
  Capture capture_ = Capture::none;
  std::string pending_token_;
  bool in_pair_ = false;
  std::vector<std::string> pair_;
  std::string error_;
};

}  // namespace

TokenizerJson read_tokenizer_json(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(file.string(), "cannot open the tokenizer file (set `file` to a Hugging Face tokenizer.json)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(file.string(), "read failed");
  const std::string bytes = std::move(text).str();

  TokenizerJson out;
  TokenizerJsonSax sax(out);
  if (!json::sax_parse(bytes.data(), bytes.data() + bytes.size(), &sax, json::input_format_t::json, true)) {
    throw Error(file.string(), sax.error().empty() ? "malformed JSON" : sax.error());
  }
  if (!out.document.is_object()) throw Error(file.string(), "not a tokenizer.json (the top level must be a JSON object)");
  return out;
}

}  // namespace vlforge::hf_bpe
