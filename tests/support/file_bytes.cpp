#include "file_bytes.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "test_paths.hpp"

namespace vlforge::test {

std::vector<uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

std::string text_of(const std::vector<uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

std::vector<uint8_t> read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& file, const std::vector<uint8_t>& bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::filesystem::path test_image_path(const std::string& name) { return kSourceDir / "tests" / "data" / "images" / name; }

std::vector<uint8_t> test_image(const std::string& name) { return read_bytes(test_image_path(name)); }

}  // namespace vlforge::test
