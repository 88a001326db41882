#include "bpe_model.hpp"

#include <queue>

#include "byte_level.hpp"
#include "vlforge/error.hpp"

namespace vlforge::hf_bpe {

BpeModel::BpeModel(std::vector<std::pair<std::string, int64_t>> vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges, bool ignore_merges,
                   const std::string& where)
    : ignore_merges_(ignore_merges) {
  if (vocab.empty()) throw Error(where, "model.vocab is missing or empty (a BPE model needs its vocabulary)");
  ids_.reserve(vocab.size());
  tokens_.reserve(vocab.size());
  for (auto& [token, id] : vocab) {
    if (id < 0 || id > INT32_MAX) throw Error(where, "model.vocab gives '" + token + "' the id " + std::to_string(id) + " (ids must be in [0, 2^31))");
    const auto index = static_cast<size_t>(id);
    if (index >= tokens_.size()) tokens_.resize(index + 1);
    if (!tokens_[index].empty())
      throw Error(where, "model.vocab gives the id " + std::to_string(id) + " to both '" + tokens_[index] + "' and '" + token + "'");
    tokens_[index] = token;
    if (!ids_.emplace(std::move(token), static_cast<int32_t>(id)).second)
      throw Error(where, "model.vocab lists '" + tokens_[index] + "' twice");
  }

  for (int b = 0; b < 256; ++b) {
    const std::string& ch = byte_level_char(static_cast<uint8_t>(b));
    auto it = ids_.find(ch);
    if (it == ids_.end())
      throw Error(where, "model.vocab lacks the byte-level token '" + ch + "' of byte " + std::to_string(b) +
                             " (hf-bpe reads byte-level BPE, whose vocabulary holds all 256 bytes)");
    byte_ids_[static_cast<size_t>(b)] = it->second;
  }

  merges_.reserve(merges.size());
  std::string joined;
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [left, right] = merges[rank];
    joined.assign(left).append(right);
    auto l = ids_.find(left);
    auto r = ids_.find(right);
    auto m = ids_.find(joined);
    if (l == ids_.end() || r == ids_.end() || m == ids_.end())
      throw Error(where, "model.merges entry " + std::to_string(rank) + " ('" + left + "', '" + right +
                             "') names a token that is not in model.vocab (a merge joins two vocabulary tokens into a third)");
    // A pair listed twice keeps its first (best) rank, as in Hugging Face tokenizers.
    merges_.emplace(pair_key(l->second, r->second), Merge{static_cast<int32_t>(rank), m->second});
  }
}

const BpeModel::Merge* BpeModel::find_merge(int32_t left, int32_t right) const {
  auto it = merges_.find(pair_key(left, right));
  return it == merges_.end() ? nullptr : &it->second;
}

// Repeatedly applies the best-ranked merge among adjacent symbols, leftmost first on a tie,
// as Hugging Face tokenizers does; a heap keeps long words from going quadratic.
void BpeModel::merge_word(std::string_view word, std::vector<int32_t>& ids) const {
  struct Symbol {
    int32_t id;
    int32_t prev;
    int32_t next;
  };
  struct Candidate {
    int32_t rank;
    int32_t pos;  // index of the left symbol
    int32_t left;
    int32_t right;
    int32_t merged;
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };

  const auto n = static_cast<int32_t>(word.size());
  std::vector<Symbol> symbols(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i)
    symbols[static_cast<size_t>(i)] = Symbol{byte_ids_[static_cast<uint8_t>(word[static_cast<size_t>(i)])], i - 1,
                                             i + 1 < n ? i + 1 : -1};

  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
  auto consider = [&](int32_t pos) {
    if (pos < 0) return;
    const Symbol& s = symbols[static_cast<size_t>(pos)];
    if (s.next < 0) return;
    const int32_t right = symbols[static_cast<size_t>(s.next)].id;
    if (const Merge* m = find_merge(s.id, right)) heap.push(Candidate{m->rank, pos, s.id, right, m->merged});
  };
  for (int32_t i = 0; i + 1 < n; ++i) consider(i);

  while (!heap.empty()) {
    const Candidate c = heap.top();
    heap.pop();
    Symbol& left = symbols[static_cast<size_t>(c.pos)];
    // Skip candidates made stale by an earlier merge.
    if (left.id != c.left || left.next < 0) continue;
    Symbol& right = symbols[static_cast<size_t>(left.next)];
    if (right.id != c.right) continue;
    left.id = c.merged;
    left.next = right.next;
    if (right.next >= 0) symbols[static_cast<size_t>(right.next)].prev = c.pos;
    right.id = -1;
    consider(left.prev);
    consider(c.pos);
  }

  ids.clear();
  for (int32_t i = 0; i >= 0 && i < n; i = symbols[static_cast<size_t>(i)].next) ids.push_back(symbols[static_cast<size_t>(i)].id);
}

void BpeModel::encode_word(std::string_view word, std::vector<int64_t>& out) const {
  if (word.empty()) return;
  if (word.size() == 1) {
    out.push_back(byte_ids_[static_cast<uint8_t>(word[0])]);
    return;
  }
  const bool cacheable = word.size() <= kCacheMaxWordBytes;
  if (cacheable) {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(word); it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }

  std::vector<int32_t> ids;
  if (ignore_merges_) {
    if (auto whole = ids_.find(to_byte_level(word)); whole != ids_.end()) ids.push_back(whole->second);
  }
  if (ids.empty()) merge_word(word, ids);
  out.insert(out.end(), ids.begin(), ids.end());

  if (cacheable) {
    std::lock_guard lock(cache_mutex_);
    if (cache_.size() < kCacheCapacity) cache_.emplace(std::string(word), std::move(ids));
  }
}

std::optional<int64_t> BpeModel::token_to_id(std::string_view token) const {
  auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

const std::string* BpeModel::id_to_token(int64_t id) const {
  if (id < 0 || id >= id_limit() || tokens_[static_cast<size_t>(id)].empty()) return nullptr;
  return &tokens_[static_cast<size_t>(id)];
}

}  // namespace vlforge::hf_bpe
