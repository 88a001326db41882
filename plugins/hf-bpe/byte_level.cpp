#include "byte_level.hpp"

#include <unicode/utf8.h>

#include <vector>

namespace vlforge::hf_bpe {
namespace {

bool stands_for_itself(int b) { return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF); }

struct Alphabet {
  std::array<std::string, 256> chars;
  std::vector<int16_t> byte_of;  // indexed by code point; -1 where no byte maps there

  Alphabet() : byte_of(0x100 + 256, -1) {
    int next = 0x100;
    for (int b = 0; b < 256; ++b) {
      const UChar32 cp = stands_for_itself(b) ? b : next++;
      char buf[4];
      int32_t len = 0;
      U8_APPEND_UNSAFE(buf, len, cp);
      chars[b].assign(buf, static_cast<size_t>(len));
      byte_of[static_cast<size_t>(cp)] = static_cast<int16_t>(b);
    }
  }
};

const Alphabet& alphabet() {
  static const Alphabet a;
  return a;
}

}  // namespace

const std::string& byte_level_char(uint8_t byte) { return alphabet().chars[byte]; }

std::string to_byte_level(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) out += byte_level_char(static_cast<uint8_t>(c));
  return out;
}

std::optional<std::string> from_byte_level(std::string_view token) {
  const Alphabet& a = alphabet();
  std::string out;
  out.reserve(token.size());
  const auto* s = reinterpret_cast<const uint8_t*>(token.data());
  const auto n = static_cast<int32_t>(token.size());
  for (int32_t i = 0; i < n;) {
    UChar32 cp = 0;
    U8_NEXT(s, i, n, cp);
    if (cp < 0 || static_cast<size_t>(cp) >= a.byte_of.size() || a.byte_of[static_cast<size_t>(cp)] < 0)
      return std::nullopt;
    out.push_back(static_cast<char>(a.byte_of[static_cast<size_t>(cp)]));
  }
  return out;
}

}  // namespace vlforge::hf_bpe
