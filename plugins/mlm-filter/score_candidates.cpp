#include "score_candidates.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <string>

#include "vlforge/error.hpp"

namespace vlforge::mlm_filter {

namespace {

constexpr const char* kWhere = "scorer/mlm-filter";

struct Trie {
  std::vector<CandidateNode> nodes;  // in insertion order
  std::vector<int64_t> roots;

  int64_t child(int64_t parent, int64_t token) {
    std::vector<int64_t>& siblings = parent < 0 ? roots : nodes[static_cast<size_t>(parent)].children;
    for (const int64_t n : siblings)
      if (nodes[static_cast<size_t>(n)].token == token) return n;
    CandidateNode node;
    node.token = token;
    node.parent = parent;
    node.depth = parent < 0 ? 1 : nodes[static_cast<size_t>(parent)].depth + 1;
    nodes.push_back(node);
    const auto index = static_cast<int64_t>(nodes.size() - 1);
    // `siblings` may have moved with the push_back.
    (parent < 0 ? roots : nodes[static_cast<size_t>(parent)].children).push_back(index);
    return index;
  }
};

// Tokens whose text starts with a digit would make the number longer. An id the tokenizer cannot
// decode (a gap in its vocabulary, or a model row past it) is no text, so it continues nothing.
at::Tensor digit_tokens(const Tokenizer& tokenizer, int64_t vocab_size) {
  at::Tensor out = torch::zeros({vocab_size}, torch::kBool);
  auto digit = out.accessor<bool, 1>();
  const int64_t known = std::min(vocab_size, tokenizer.vocab_size());
  for (int64_t id = 0; id < known; ++id) {
    std::string text;
    try {
      text = tokenizer.decode(std::span<const int64_t>(&id, 1));
    } catch (const Error&) {
      continue;
    }
    digit[id] = !text.empty() && text[0] >= '0' && text[0] <= '9';
  }
  return out;
}

}  // namespace

ScoreCandidates score_candidates(const Tokenizer& tokenizer, int64_t vocab_size, int max_value) {
  Trie trie;
  for (int value = 0; value <= max_value; ++value) {
    const std::string text = std::to_string(value);
    const std::vector<int64_t> ids = tokenizer.encode(text);
    if (ids.empty()) throw Error(kWhere, "the tokenizer encodes \"" + text + "\" to no token");
    int64_t node = -1;
    for (const int64_t id : ids) {
      if (id < 0 || id >= vocab_size)
        throw Error(kWhere, "the tokenizer encodes \"" + text + "\" with id " + std::to_string(id) +
                                ", outside the language model's vocabulary of " + std::to_string(vocab_size));
      node = trie.child(node, id);
    }
    CandidateNode& end = trie.nodes[static_cast<size_t>(node)];
    if (end.value >= 0)
      throw Error(kWhere, "the tokenizer encodes \"" + std::to_string(end.value) + "\" and \"" + text +
                              "\" to the same ids, so the model cannot tell the two scores apart");
    end.value = value;
  }

  // Depth-first renumbering; children keep their insertion (value) order.
  ScoreCandidates out;
  std::vector<int64_t> renumbered(trie.nodes.size(), -1);
  std::vector<int64_t> stack(trie.roots.rbegin(), trie.roots.rend());
  while (!stack.empty()) {
    const int64_t old = stack.back();
    stack.pop_back();
    CandidateNode node = trie.nodes[static_cast<size_t>(old)];
    renumbered[static_cast<size_t>(old)] = static_cast<int64_t>(out.nodes.size());
    if (node.parent >= 0) node.parent = renumbered[static_cast<size_t>(node.parent)];
    for (auto it = node.children.rbegin(); it != node.children.rend(); ++it) stack.push_back(*it);
    node.children.clear();
    out.nodes.push_back(node);
  }
  out.node_of_value.assign(static_cast<size_t>(max_value) + 1, -1);
  for (size_t i = 0; i < out.nodes.size(); ++i) {
    const CandidateNode& node = out.nodes[i];
    const auto index = static_cast<int64_t>(i);
    if (node.parent < 0)
      out.first_tokens.push_back(index);
    else
      out.nodes[static_cast<size_t>(node.parent)].children.push_back(index);
    if (node.value >= 0) out.node_of_value[static_cast<size_t>(node.value)] = index;
    // In depth-first order a node continues the current chain exactly when it follows its parent.
    if (!out.chains.empty() && node.parent >= 0 && node.parent == index - 1)
      ++out.chains.back().length;
    else
      out.chains.push_back(Chain{index, 1});
  }
  out.continues_number = digit_tokens(tokenizer, vocab_size);
  return out;
}

}  // namespace vlforge::mlm_filter
