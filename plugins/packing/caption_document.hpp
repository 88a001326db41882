// One caption sample as a pre-training document, in the paper's layout: the image, a newline,
// the caption, <|im_end|>. The image is one placeholder id here; it counts image_tokens toward
// the document's length, as packing and the loader see it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vlforge/interfaces/tokenizer.hpp"
#include "vlforge/sample.hpp"

namespace vlforge::packing {

struct DocumentLayout {
  int64_t image_token_id = -1;
  int64_t image_tokens = 144;
  int64_t context = 4096;
  std::string end_text = "<|im_end|>";
  bool truncate = true;  // over-length: cut the caption (keeping the end token) or drop the sample
};

struct CaptionDocument {
  std::vector<int32_t> ids;  // one placeholder per image, then the text ids
  int64_t length = 0;        // expanded: text ids + images * image_tokens
  int64_t images = 0;
  int64_t loss_from = 0;     // expanded tokens before the caption: the image and the newline
  bool truncated = false;
};

class CaptionDocumentBuilder {
 public:
  CaptionDocumentBuilder(const Tokenizer& tokenizer, DocumentLayout layout);

  // False when the sample cannot fit even truncated (`why` says so); the document otherwise.
  bool build(const Sample& sample, CaptionDocument& out, std::string& why) const;

 private:
  const Tokenizer& tokenizer_;
  DocumentLayout layout_;
  std::vector<int64_t> newline_;  // the ids of "\n" alone
  std::vector<int64_t> end_;      // the ids of the end text alone
};

}  // namespace vlforge::packing
