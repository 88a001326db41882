#include "byte_level_alphabet.hpp"

namespace vlforge::test {

std::array<std::string, 256> byte_level_alphabet() {
  std::array<std::string, 256> out;
  int next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    const int cp = printable ? b : next++;
    if (cp < 0x80)
      out[b] = std::string(1, static_cast<char>(cp));
    else
      out[b] = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
  }
  return out;
}

}  // namespace vlforge::test
