// The answers the "expected" score weighs: the integers 0..100, each as the token path the
// tokenizer writes its decimal digits with, and what ends such an answer.
//
// The paths share prefixes ("1" -> "10" -> "100"), so they form a trie. P(answer = v) is the
// product of the token probabilities along v's path times the probability that the next token
// does not continue the number (its text does not start with a digit), so "8" and "85" are
// different answers. Nodes are numbered in depth-first order and fed to the model as `chains`:
// runs of consecutive nodes that each start below an already fed node, one per leaf, so that every
// node is run exactly once.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge::mlm_filter {

struct CandidateNode {
  int64_t token = 0;
  int64_t parent = -1;  // -1: the first token after the prompt
  int64_t depth = 1;    // tokens after the prompt, this one included
  std::vector<int64_t> children;
  int64_t value = -1;   // the integer whose path ends here, -1 when none does
};

struct Chain {
  int64_t first = 0;   // node index; the chain holds nodes first .. first + length - 1
  int64_t length = 0;  // each node the previous one's child
};

struct ScoreCandidates {
  std::vector<CandidateNode> nodes;  // depth-first order: a parent comes before its children
  std::vector<int64_t> first_tokens;  // nodes whose parent is the prompt
  std::vector<Chain> chains;
  std::vector<int64_t> node_of_value;  // value v -> the node of its last token
  at::Tensor continues_number;         // [vocab_size] bool: the token's text starts with a digit
};

// The candidates 0..max_value with `tokenizer`'s encoding, for a model of `vocab_size` ids.
// Throws vlforge::Error when a value encodes to no token, two values share one path, or a token
// lies outside the model's vocabulary.
ScoreCandidates score_candidates(const Tokenizer& tokenizer, int64_t vocab_size, int max_value);

}  // namespace vlforge::mlm_filter
