// UTF-8 well-formedness (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
// Captions from the web are checked with it before any tokenizer or scorer sees them.
#pragma once

#include <string_view>

#include "vlforge/export.hpp"

namespace vlforge {

VLFORGE_API bool is_valid_utf8(std::string_view bytes);

}  // namespace vlforge
