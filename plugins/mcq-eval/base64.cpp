#include "base64.hpp"

#include <boost/beast/core/detail/base64.hpp>

#include "vlforge/error.hpp"

namespace vlforge::mcq_eval {

namespace {

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

std::vector<uint8_t> decode_base64(std::string_view text, const std::string& where) {
  if (text.empty()) throw Error(where, "invalid base64: no data");
  if (text.size() % 4 != 0)
    throw Error(where, "invalid base64: length " + std::to_string(text.size()) + " is not a multiple of 4");
  size_t padding = 0;
  while (padding < 2 && text[text.size() - 1 - padding] == '=') ++padding;
  // Beast's decoder stops at the first character outside the alphabet; checking first gives the position.
  for (size_t i = 0; i + padding < text.size(); ++i)
    if (!is_base64_char(text[i]))
      throw Error(where, "invalid base64: character " + std::to_string(i) + " is not in the base64 alphabet");
  std::vector<uint8_t> out(boost::beast::detail::base64::decoded_size(text.size()));
  const auto [written, read] = boost::beast::detail::base64::decode(out.data(), text.data(), text.size());
  if (read + padding != text.size()) throw Error(where, "invalid base64");
  out.resize(written);
  return out;
}

}  // namespace vlforge::mcq_eval
