#include "utf8_repair.hpp"

#include <unicode/utf8.h>

namespace vlforge::hf_bpe {

std::string repair_utf8(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(bytes.size() + 8);
  const auto* s = reinterpret_cast<const uint8_t*>(bytes.data());
  const auto n = static_cast<int32_t>(bytes.size());
  for (int32_t i = 0; i < n;) {
    const int32_t begin = i;
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    if (c < 0) out += kReplacement;
    else out.append(bytes.data() + begin, static_cast<size_t>(i - begin));
  }
  return out;
}

}  // namespace vlforge::hf_bpe
