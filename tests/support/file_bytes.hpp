// Bytes in and out of files for tests, and the small test images of tests/data/images
// (made by make_images.py there; reference.json holds what PIL reads from each).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vlforge::test {

std::vector<uint8_t> bytes_of(std::string_view text);
std::string text_of(const std::vector<uint8_t>& bytes);
std::vector<uint8_t> read_bytes(const std::filesystem::path& file);  // throws when unreadable
void write_bytes(const std::filesystem::path& file, const std::vector<uint8_t>& bytes);

// tests/data/images/NAME, and its bytes.
std::filesystem::path test_image_path(const std::string& name);
std::vector<uint8_t> test_image(const std::string& name);

}  // namespace vlforge::test
