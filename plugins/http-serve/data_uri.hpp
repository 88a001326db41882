// Images in chat requests arrive as data URIs (data:image/png;base64,...); this decodes them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vlforge::serve {

// The bytes of a base64 data URI. Throws ApiError: 400 for a URL that is not a data URI (http(s)
// URLs are not fetched), a data URI that is not base64 or invalid base64; 413 when the decoded
// image is over `max_bytes`. `where` names the field in messages.
std::vector<uint8_t> decode_data_uri(std::string_view uri, size_t max_bytes, const std::string& where);

// Strict base64 (RFC 4648, padding required, whitespace not allowed); throws ApiError 400.
std::vector<uint8_t> decode_base64(std::string_view text, const std::string& where);

}  // namespace vlforge::serve
