// A PNG whose header claims any size: signature, IHDR and IEND with correct CRCs, and an IDAT
// that holds almost nothing, so a decompression bomb costs the test no memory to build.
#pragma once

#include <cstdint>
#include <vector>

namespace vlforge::test {

std::vector<uint8_t> png_claiming_size(uint32_t width, uint32_t height);

}  // namespace vlforge::test
