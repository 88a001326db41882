// Interface of kind `tokenizer`: text <-> token ids, special tokens and the chat template.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/component.hpp"
#include "vlforge/export.hpp"

namespace vlforge {

struct ChatMessage {
  std::string role;     // "system", "user", "assistant"
  std::string content;
};

class VLFORGE_API Tokenizer : public Component {
 public:
  static constexpr std::string_view kind = "tokenizer";
  ~Tokenizer() override;

  // Special tokens written in the text (e.g. "<|im_end|>") map to their single ids; no BOS/EOS
  // is added.
  virtual std::vector<int64_t> encode(std::string_view text) const = 0;
  virtual std::string decode(std::span<const int64_t> ids, bool skip_special = false) const = 0;
  virtual int64_t vocab_size() const = 0;
  virtual std::optional<int64_t> token_to_id(std::string_view token) const = 0;
  virtual std::string id_to_token(int64_t id) const = 0;

  virtual std::optional<int64_t> bos_id() const = 0;
  virtual int64_t eos_id() const = 0;   // end of a turn / document
  virtual int64_t pad_id() const = 0;

  // The model's chat format, e.g. Qwen's "<|im_start|>user\n...<|im_end|>\n".
  virtual std::string apply_chat_template(std::span<const ChatMessage> messages,
                                          bool add_generation_prompt) const = 0;
};

}  // namespace vlforge
