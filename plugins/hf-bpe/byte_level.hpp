// GPT-2's byte-level alphabet: every byte 0..255 stands for one printable Unicode character, so
// that a BPE vocabulary of strings can hold arbitrary bytes. Printable Latin-1 bytes stand for
// themselves; the others (controls, space, ...) map to U+0100 onwards in byte order.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vlforge::hf_bpe {

// The UTF-8 text of the character that stands for `byte`.
const std::string& byte_level_char(uint8_t byte);

// `bytes` written in the byte-level alphabet (each byte becomes one character).
std::string to_byte_level(std::string_view bytes);

// The bytes a byte-level token stands for; nullopt when a character of `token` is not in the
// alphabet (the token is then not byte-level text, e.g. an added token).
std::optional<std::string> from_byte_level(std::string_view token);

}  // namespace vlforge::hf_bpe
