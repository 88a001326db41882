// What the SFT tests share: the real Qwen tokenizer and an image codec from the build's plugins,
// LLaVA-style sample JSON, and a tiny byte-level tokenizer whose chat format is not ChatML.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge::test {

// tokenizer/hf-bpe on the fixtures' Qwen tokenizer.json, as a TOML table body and made once.
std::string qwen_tokenizer_table();
std::shared_ptr<const Tokenizer> qwen_tokenizer();
std::shared_ptr<const ImageCodec> stb_codec();

// {"from", "value"} turns of a LLaVA sample.
using Turns = std::vector<std::pair<std::string, std::string>>;

// One LLaVA sample as JSON text: "image" a string for one image, a list for several, absent for none.
std::string llava_sample(const std::string& id, const std::vector<std::string>& images, const Turns& turns);

void write_lines(const std::filesystem::path& file, const std::vector<std::string>& lines);

// Ids are the bytes of the text; the chat format is "[ROLE] content</s>" with "[assistant] " as
// the generation prompt, nothing between turns.
class ByteTokenizer final : public Tokenizer {
 public:
  std::vector<int64_t> encode(std::string_view text) const override;
  std::string decode(std::span<const int64_t> ids, bool skip_special) const override;
  int64_t vocab_size() const override { return 256; }
  std::optional<int64_t> token_to_id(std::string_view) const override { return std::nullopt; }
  std::string id_to_token(int64_t id) const override { return std::string(1, static_cast<char>(id)); }
  std::optional<int64_t> bos_id() const override { return std::nullopt; }
  int64_t eos_id() const override { return 0; }
  int64_t pad_id() const override { return 0; }
  std::string apply_chat_template(std::span<const ChatMessage> messages, bool add_generation_prompt) const override;

  // A template whose generation prompt is not what the assistant's turn starts with.
  bool broken_prompt = false;
};

}  // namespace vlforge::test
