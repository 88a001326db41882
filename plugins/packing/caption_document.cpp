#include "caption_document.hpp"

#include <algorithm>
#include <limits>

#include "vlforge/error.hpp"

namespace vlforge::packing {

CaptionDocumentBuilder::CaptionDocumentBuilder(const Tokenizer& tokenizer, DocumentLayout layout)
    : tokenizer_(tokenizer), layout_(std::move(layout)) {
  newline_ = tokenizer_.encode("\n");
  end_ = tokenizer_.encode(layout_.end_text);
  if (layout_.image_token_id < 0 || layout_.image_token_id > std::numeric_limits<int32_t>::max())
    throw Error("stage/pack", "image_token_id " + std::to_string(layout_.image_token_id) + " is not a valid id");
}

bool CaptionDocumentBuilder::build(const Sample& sample, CaptionDocument& out, std::string& why) const {
  out = CaptionDocument{};
  const bool has_image = !sample.image.empty();
  // The caption is encoded together with its newline and end text, as one string: BPE merges
  // across those boundaries the same way the reference tokenizes it.
  const std::vector<int64_t> text =
      tokenizer_.encode((has_image ? "\n" : "") + sample.text + layout_.end_text);
  out.images = has_image ? 1 : 0;
  const int64_t image_length = out.images * layout_.image_tokens;
  const bool starts_with_newline =
      has_image && !newline_.empty() && text.size() >= newline_.size() &&
      std::equal(newline_.begin(), newline_.end(), text.begin());
  out.loss_from = image_length + (starts_with_newline ? static_cast<int64_t>(newline_.size()) : 0);

  std::vector<int64_t> kept = text;
  if (image_length + static_cast<int64_t>(kept.size()) > layout_.context) {
    const int64_t room = layout_.context - image_length;
    const auto tail = static_cast<int64_t>(end_.size());
    if (!layout_.truncate || room < out.loss_from - image_length + tail + 1) {
      why = std::to_string(image_length + static_cast<int64_t>(text.size())) + " tokens > context " +
            std::to_string(layout_.context);
      return false;
    }
    // Cut the caption, keep the end text: every document still ends where the model learns to stop.
    kept.resize(static_cast<size_t>(room - tail));
    kept.insert(kept.end(), end_.begin(), end_.end());
    out.truncated = true;
  }
  if (has_image) out.ids.push_back(static_cast<int32_t>(layout_.image_token_id));
  for (int64_t id : kept) out.ids.push_back(static_cast<int32_t>(id));
  out.length = image_length + static_cast<int64_t>(kept.size());
  return true;
}

}  // namespace vlforge::packing
