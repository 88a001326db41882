// The `pre_tokenizer` of a tokenizer.json: how normalized text is cut into the words that BPE
// encodes one by one. Supported: Split (a Regex or String pattern, any of the five split
// behaviours, invert), ByteLevel (add_prefix_space; use_regex applies GPT-2's own split), and a
// Sequence of those. Regexes run on ICU, which has the \p{L} / \p{N} classes, lookahead and a
// Unicode \s that the patterns of Qwen, Llama 3 and GPT-2 rely on.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <unicode/regex.h>

namespace vlforge::hf_bpe {

class PreTokenizer {
 public:
  // `node` is the "pre_tokenizer" member; throws vlforge::Error at `where` for a pre-tokenizer
  // hf-bpe does not implement or a regex ICU rejects.
  PreTokenizer(const nlohmann::json& node, const std::string& where);
  ~PreTokenizer();
  PreTokenizer(PreTokenizer&&) noexcept;
  PreTokenizer& operator=(PreTokenizer&&) noexcept;

  // Whether a ByteLevel step is present: byte-level BPE needs one.
  bool has_byte_level() const { return has_byte_level_; }

  // Appends the words of `text` to `words`.
  void split(std::string_view text, std::vector<std::string>& words) const;

 private:
  enum class Behavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };
  struct Step {
    std::unique_ptr<icu::RegexPattern> pattern;  // null: no split in this step
    Behavior behavior = Behavior::isolated;
    bool invert = false;
    bool add_prefix_space = false;
  };

  void add(const nlohmann::json& node, const std::string& where);
  void apply(const Step& step, const std::string& piece, std::vector<std::string>& out) const;

  std::vector<Step> steps_;
  bool has_byte_level_ = false;
};

}  // namespace vlforge::hf_bpe
