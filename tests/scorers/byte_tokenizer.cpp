#include "byte_tokenizer.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <vector>

#include "byte_level_alphabet.hpp"
#include "test_paths.hpp"

namespace vlforge::test {

std::filesystem::path write_byte_tokenizer(const std::filesystem::path& dir) {
  nlohmann::json vocab = nlohmann::json::object();
  const auto alphabet = byte_level_alphabet();
  for (int b = 0; b < 256; ++b) vocab[alphabet[b]] = b;
  int id = 256;
  for (char a = '0'; a <= '9'; ++a)
    for (char b = '0'; b <= '9'; ++b) vocab[std::string{a, b}] = id++;
  for (char a = 'a'; a <= 'z' && id < 994; ++a)
    for (char b = 'a'; b <= 'z' && id < 994; ++b) vocab[std::string{a, b}] = id++;

  const std::vector<std::string> specials = {"<|im_start|>", "<|im_end|>", "<|pad|>",
                                             "<|unused|>", "<|startoftext|>", "<|endoftext|>"};
  nlohmann::json added = nlohmann::json::array();
  for (const std::string& content : specials)
    added.push_back({{"id", id++}, {"content", content}, {"special", true}, {"normalized", false},
                     {"lstrip", false}, {"rstrip", false}, {"single_word", false}});

  const nlohmann::json tokenizer = {
      {"version", "1.0"},
      {"added_tokens", added},
      {"normalizer", nullptr},
      {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}}},
      {"post_processor", nullptr},
      {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
      {"model", {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"vocab", vocab},
                 {"merges", nlohmann::json::array()}}},
  };
  const std::filesystem::path file = dir / "tokenizer.json";
  write_text(file, tokenizer.dump());
  return file;
}

}  // namespace vlforge::test
