#include "test_paths.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vlforge::test {

std::filesystem::path hf_fixtures_dir() {
  if (const char* env = std::getenv("VLFORGE_HF_FIXTURES"); env && *env) return env;
  return std::filesystem::path(VLFORGE_TEST_DEFAULT_FIXTURES).lexically_normal();
}

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
