// Locations the build passes to the tests.
#pragma once

#include <filesystem>
#include <string>

namespace vlforge::test {

inline const std::string kVlforge = VLFORGE_TEST_CLI;                            // the built executable
inline const std::filesystem::path kSourceDir = VLFORGE_TEST_SOURCE_DIR;         // repository root
inline const std::filesystem::path kBuildDir = VLFORGE_TEST_BUILD_DIR;           // build tree root
inline const std::filesystem::path kPluginDir = VLFORGE_TEST_PLUGIN_DIR;         // in-tree plugins
inline const std::filesystem::path kGoodPluginDir = VLFORGE_TEST_GOOD_PLUGINS;   // tests/plugins, working
inline const std::filesystem::path kBrokenPluginDir = VLFORGE_TEST_BROKEN_PLUGINS;  // tests/plugins, broken

// The Hugging Face reference fixtures: $VLFORGE_HF_FIXTURES, else ../shared/fixtures/hf-reference.
std::filesystem::path hf_fixtures_dir();

// A fresh, empty folder under the build tree, named after the running test.
std::filesystem::path fresh_dir(const std::string& name);

// Reads a whole file ("" when absent).
std::string read_text(const std::filesystem::path& file);
void write_text(const std::filesystem::path& file, const std::string& text);

}  // namespace vlforge::test
