// GPT-2's byte-level alphabet, written out independently of the hf-bpe plugin: printable bytes
// stand for themselves, the others for the code points 256 + n, in byte order.
#pragma once

#include <array>
#include <string>

namespace vlforge::test {

// The UTF-8 text of the character that stands for each byte.
std::array<std::string, 256> byte_level_alphabet();

}  // namespace vlforge::test
