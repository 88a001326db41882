// Base64 (RFC 4648, standard alphabet, padding required), as VLMEvalKit stores images in its TSVs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vlforge::mcq_eval {

// The decoded bytes; a vlforge::Error naming `where` for text that is not base64.
std::vector<uint8_t> decode_base64(std::string_view text, const std::string& where);

}  // namespace vlforge::mcq_eval
