// How a contrastive text tower takes its captions: the ids around the text, the length every row
// is padded or truncated to, and whether the tower sees a padding mask. The two families differ:
//
//   clip:   [bos] text [eos] pad..., 77 ids, with an attention mask (CLIPProcessor with
//           padding="max_length", truncation=True). The tower is causal and pools at the first
//           eos, so the padding never changes the embedding.
//   siglip: text [eos] pad..., 64 ids, no mask (SiglipProcessor with padding="max_length",
//           truncation=True; big_vision trained the tower this way and pools the LAST position,
//           so the padding is part of the input and must always reach the full length).
//
// Truncation keeps the eos as the last text id, as transformers' tokenizers do.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "vlforge/interfaces/tokenizer.hpp"

namespace vlforge::clip_score {

enum class TextFamily { clip, siglip };

struct TextLayout {
  std::optional<int64_t> bos;  // put ahead of the text (CLIP's <|startoftext|>)
  int64_t eos = 0;             // ends the text, kept when truncating
  int64_t pad = 0;             // fills each row up to `length`
  int64_t length = 0;          // ids per row
  bool attention_mask = false;
};

// The family's layout with the tokenizer's special ids; `length` 0 takes the family's default
// (77 for CLIP, 64 for SigLIP). Throws vlforge::Error (prefixed `where`) when CLIP's layout meets a
// tokenizer without a bos token, or the length leaves no room for text.
TextLayout text_layout(TextFamily family, const Tokenizer& tokenizer, int64_t length, std::string_view where);

struct TextBatch {
  at::Tensor input_ids;       // [B, length] int64
  at::Tensor attention_mask;  // [B, length] int64, 1 = text; undefined when the layout has none
};

// Each caption's ids (no special tokens) laid out as `layout` says.
TextBatch lay_out_texts(const TextLayout& layout, std::span<const std::vector<int64_t>> texts);

}  // namespace vlforge::clip_score
