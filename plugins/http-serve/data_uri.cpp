#include "data_uri.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <algorithm>
#include <cctype>

#include "api_error.hpp"

namespace vlforge::serve {

namespace {

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

}  // namespace

std::vector<uint8_t> decode_base64(std::string_view text, const std::string& where) {
  if (text.empty()) throw ApiError(400, where, "invalid base64: no data");
  if (text.size() % 4 != 0)
    throw ApiError(400, where, "invalid base64: length " + std::to_string(text.size()) + " is not a multiple of 4");
  size_t padding = 0;
  while (padding < 2 && text[text.size() - 1 - padding] == '=') ++padding;
  for (size_t i = 0; i + padding < text.size(); ++i)
    if (!is_base64_char(text[i]))
      throw ApiError(400, where, "invalid base64: character " + std::to_string(i) + " is not in the base64 alphabet");
  std::vector<uint8_t> out(boost::beast::detail::base64::decoded_size(text.size()));
  const auto [written, read] = boost::beast::detail::base64::decode(out.data(), text.data(), text.size());
  if (read + padding != text.size()) throw ApiError(400, where, "invalid base64");
  out.resize(written);
  return out;
}

std::vector<uint8_t> decode_data_uri(std::string_view uri, size_t max_bytes, const std::string& where) {
  if (starts_with_nocase(uri, "http://") || starts_with_nocase(uri, "https://"))
    throw ApiError(400, where,
                   "image URLs are not fetched: send the image inline as a data URI (data:image/png;base64,...)");
  if (!starts_with_nocase(uri, "data:"))
    throw ApiError(400, where, "expected a data URI (data:image/png;base64,...)");
  const size_t comma = uri.find(',');
  if (comma == std::string_view::npos) throw ApiError(400, where, "a data URI without ',' before its data");
  const std::string_view header = uri.substr(5, comma - 5);
  if (header.size() < 7 || header.substr(header.size() - 7) != ";base64")
    throw ApiError(400, where, "only base64 data URIs are accepted (data:image/png;base64,...)");
  const std::string_view data = uri.substr(comma + 1);
  // The size before decoding (padding takes at most 2 bytes off), so an oversized image costs no memory.
  const size_t least = data.size() / 4 * 3 - std::min<size_t>(2, data.size() / 4 * 3);
  if (least > max_bytes)
    throw ApiError(413, where,
                   "the image is at least " + std::to_string(least) + " bytes, over the limit of " +
                       std::to_string(max_bytes) + " (max_image_bytes)");
  std::vector<uint8_t> bytes = decode_base64(data, where);
  if (bytes.size() > max_bytes)
    throw ApiError(413, where,
                   "the image is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                       std::to_string(max_bytes) + " (max_image_bytes)");
  return bytes;
}

}  // namespace vlforge::serve
