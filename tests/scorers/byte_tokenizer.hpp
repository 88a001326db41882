// A byte-level BPE tokenizer.json for the tiny fixture models, whose vocabularies are 0..999:
// ids 0..255 are the bytes (every text encodes, one token per byte, digits included, as Qwen
// writes numbers), 256..993 are never-encoded pairs ("00".."99", then "aa", "ab", ...) so that
// every id a random model may generate decodes, and 994..999 are special tokens:
//
//   994 <|im_start|>  995 <|im_end|>  996 <|pad|>  997 <|unused|>  998 <|startoftext|>  999 <|endoftext|>
//
// 998 / 999 are clip-tiny's bos / eos.
#pragma once

#include <filesystem>

namespace vlforge::test {

// Writes DIR/tokenizer.json (and nothing else: special-token roles are set in each tokenizer's table).
std::filesystem::path write_byte_tokenizer(const std::filesystem::path& dir);

}  // namespace vlforge::test
