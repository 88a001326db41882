// UTF-8 well-formedness (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
#pragma once

#include <string_view>

namespace vlforge::caption_heuristics {

bool is_valid_utf8(std::string_view bytes);

}  // namespace vlforge::caption_heuristics
