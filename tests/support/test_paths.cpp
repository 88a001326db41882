#include "test_paths.hpp"

#include <fstream>
#include <sstream>

namespace vlforge::test {

std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = kBuildDir / "test-work" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

}  // namespace vlforge::test
