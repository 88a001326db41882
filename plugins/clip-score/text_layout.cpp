#include "text_layout.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <string>

#include "vlforge/error.hpp"

namespace vlforge::clip_score {

TextLayout text_layout(TextFamily family, const Tokenizer& tokenizer, int64_t length, std::string_view where) {
  TextLayout layout;
  layout.eos = tokenizer.eos_id();
  layout.pad = tokenizer.pad_id();
  if (family == TextFamily::clip) {
    layout.bos = tokenizer.bos_id();
    if (!layout.bos)
      throw Error(std::string(where), "CLIP's text layout starts every caption with a bos token, and the tokenizer "
                                      "has none (set its bos_token, e.g. <|startoftext|>)");
    layout.length = length > 0 ? length : 77;
    layout.attention_mask = true;
  } else {
    layout.length = length > 0 ? length : 64;
    layout.attention_mask = false;
  }
  const int64_t specials = layout.bos ? 2 : 1;
  if (layout.length <= specials)
    throw Error(std::string(where), "max_text_length = " + std::to_string(layout.length) + " leaves no room for text (" +
                                        std::to_string(specials) + " ids are special tokens)");
  return layout;
}

TextBatch lay_out_texts(const TextLayout& layout, std::span<const std::vector<int64_t>> texts) {
  const auto rows = static_cast<int64_t>(texts.size());
  at::Tensor ids = torch::full({rows, layout.length}, layout.pad, torch::kLong);
  at::Tensor mask = torch::zeros({rows, layout.length}, torch::kLong);
  auto id = ids.accessor<int64_t, 2>();
  auto real = mask.accessor<int64_t, 2>();
  const int64_t room = layout.length - (layout.bos ? 2 : 1);
  for (int64_t r = 0; r < rows; ++r) {
    const std::vector<int64_t>& text = texts[static_cast<size_t>(r)];
    int64_t t = 0;
    if (layout.bos) id[r][t++] = *layout.bos;
    const int64_t kept = std::min<int64_t>(room, static_cast<int64_t>(text.size()));
    for (int64_t i = 0; i < kept; ++i) id[r][t++] = text[static_cast<size_t>(i)];
    id[r][t++] = layout.eos;
    for (int64_t i = 0; i < t; ++i) real[r][i] = 1;
  }
  TextBatch batch;
  batch.input_ids = ids;
  if (layout.attention_mask) batch.attention_mask = mask;
  return batch;
}

}  // namespace vlforge::clip_score
