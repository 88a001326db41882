// The byte-level BPE model of a tokenizer.json: the vocabulary, the merges with their ranks, and
// the merge loop that turns one pre-tokenized word (raw bytes) into token ids. Results for words
// seen before come from a cache, since natural text repeats its words.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace vlforge::hf_bpe {

class BpeModel {
 public:
  // `where` names the file in errors: merges must combine two vocabulary tokens into a third, and
  // every byte of the byte-level alphabet must be in the vocabulary. With `ignore_merges`, a word
  // that is itself a vocabulary token is taken whole (Llama 3's tokenizer.json sets it).
  BpeModel(std::vector<std::pair<std::string, int64_t>> vocab,
           const std::vector<std::pair<std::string, std::string>>& merges, bool ignore_merges,
           const std::string& where);

  // Appends the ids of `word` (raw bytes, not yet in the byte-level alphabet) to `out`.
  void encode_word(std::string_view word, std::vector<int64_t>& out) const;

  std::optional<int64_t> token_to_id(std::string_view token) const;
  // The vocabulary token (in the byte-level alphabet) of `id`, or nullptr outside the vocabulary.
  const std::string* id_to_token(int64_t id) const;
  // One more than the largest id of the vocabulary.
  int64_t id_limit() const { return static_cast<int64_t>(tokens_.size()); }

 private:
  struct Merge {
    int32_t rank;
    int32_t merged;
  };
  static uint64_t pair_key(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
  }
  const Merge* find_merge(int32_t left, int32_t right) const;
  void merge_word(std::string_view word, std::vector<int32_t>& ids) const;

  // Transparent hashing: lookups by string_view allocate nothing. Not noexcept on purpose:
  // libstdc++ then stores each node's hash, which makes loading a 150k-token vocabulary twice as fast.
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <class V>
  using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

  StringMap<int32_t> ids_;
  std::vector<std::string> tokens_;  // by id; empty where the vocabulary skips an id
  std::unordered_map<uint64_t, Merge> merges_;
  std::array<int32_t, 256> byte_ids_{};
  bool ignore_merges_ = false;

  // Bounded so that a stream of distinct words cannot grow it without end.
  static constexpr size_t kCacheCapacity = 1 << 16;
  static constexpr size_t kCacheMaxWordBytes = 256;
  mutable std::mutex cache_mutex_;
  mutable StringMap<std::vector<int32_t>> cache_;
};

}  // namespace vlforge::hf_bpe
