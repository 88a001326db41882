#include "packed_sequence_check.hpp"

#include <cstddef>
#include <cstdint>

namespace vlforge {

std::optional<std::string> packed_sequence_problem(const PackedSequence& sequence, const PackedShardMeta& meta) {
  const auto& ids = sequence.input_ids;
  size_t at = 0;  // next id
  int64_t expanded = 0;
  int64_t images = 0;
  for (size_t d = 0; d < sequence.documents.size(); ++d) {
    const PackedDocument& doc = sequence.documents[d];
    const std::string which = "document " + std::to_string(d) + " ('" + doc.uid + "')";
    if (doc.tokens <= 0 || doc.tokens > meta.context)
      return which + ": " + std::to_string(doc.tokens) + " tokens (expected 1.." + std::to_string(meta.context) + ")";
    if (doc.images < 0 || doc.loss_from < 0 || doc.loss_from > doc.tokens)
      return which + ": images " + std::to_string(doc.images) + ", loss_from " + std::to_string(doc.loss_from) +
             " (expected images >= 0 and 0 <= loss_from <= tokens " + std::to_string(doc.tokens) + ")";
    int64_t left = doc.tokens;
    int64_t placeholders = 0;
    while (left > 0) {
      if (at == ids.size())
        return which + ": needs " + std::to_string(left) + " more tokens than the " + std::to_string(ids.size()) +
               " ids hold";
      const bool image = ids[at] == meta.image_token_id;
      const int64_t width = image ? meta.image_tokens : 1;
      if (width > left)
        return which + ": an image's " + std::to_string(meta.image_tokens) + " tokens run past its end";
      left -= width;
      placeholders += image ? 1 : 0;
      ++at;
    }
    if (placeholders != doc.images)
      return which + ": " + std::to_string(placeholders) + " image placeholders but " + std::to_string(doc.images) +
             " images";
    expanded += doc.tokens;
    images += doc.images;
  }
  if (at != ids.size())
    return std::to_string(ids.size() - at) + " ids after the last document (documents' tokens do not add up to the ids)";
  if (expanded > meta.context)
    return std::to_string(expanded) + " tokens, over the context of " + std::to_string(meta.context);
  if (images != static_cast<int64_t>(sequence.images.size()))
    return std::to_string(images) + " image placeholders but " + std::to_string(sequence.images.size()) + " images";
  return std::nullopt;
}

}  // namespace vlforge
