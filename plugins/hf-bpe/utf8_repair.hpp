// Well-formed UTF-8 for text that may not be: decoded byte-level tokens can end inside a
// character, and callers may pass arbitrary bytes. Ill-formed sequences become U+FFFD, one per
// maximal ill-formed subpart (Unicode's recommended practice, as Python's errors="replace").
#pragma once

#include <string>
#include <string_view>

#include "vlforge/utf8.hpp"

namespace vlforge::hf_bpe {

std::string repair_utf8(std::string_view bytes);

}  // namespace vlforge::hf_bpe
