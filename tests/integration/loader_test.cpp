// The plugin loader's error paths, each on a deliberately broken plugin built by the test suite
// (tests/plugins/): every one is refused with its file and reason, and the others still load.
#include <gtest/gtest.h>

#include <algorithm>
#include <torch/version.h>

#include "elf_exports.hpp"
#include "plugin_catalog.hpp"
#include "plugin_loader.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace vlforge::host;
using namespace vlforge::test;

namespace {

fs::path broken(const std::string& name) { return kBrokenPluginDir / ("vlforge_" + name + ".so"); }

class BrokenPlugins : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(kBrokenPluginDir))
      if (e.path().extension() == ".so") files.push_back(e.path());
    std::sort(files.begin(), files.end());  // duplicate-a before duplicate-b
    for (const auto& f : files) loader.load(f);
  }

  std::string reason(const std::string& name) {
    const PluginRefusal* r = loader.refusal(broken(name));
    return r ? r->reason : "(not refused)";
  }

  Registry registry;
  PluginLoader loader{registry};
};

}  // namespace

TEST_F(BrokenPlugins, NoEntrySymbol) {
  EXPECT_EQ(reason("no-entry"),
            "no entry symbol 'vlforge_plugin_entry' (not a vlforge plugin, or built without VLFORGE_PLUGIN)");
  EXPECT_EQ(loader.refusal(broken("no-entry"))->message().rfind(broken("no-entry").string(), 0), 0u);
}

TEST_F(BrokenPlugins, AbiMajorMismatch) {
  EXPECT_EQ(reason("abi-major"),
            "wrong ABI version: plugin has 99.0, host supports 1.0 to 1.0 (rebuild the plugin against this SDK)");
}

TEST_F(BrokenPlugins, FingerprintMismatchShowsHostAndPlugin) {
  EXPECT_EQ(reason("fingerprint"), std::string("plugin 'fingerprint' was built for another toolchain (torch_version: host ") +
                                       TORCH_VERSION + ", plugin 0.0.0-test; rebuild it against this SDK)");
  const std::string table = loader.refusal(broken("fingerprint"))->details;
  EXPECT_NE(table.find("torch_version"), std::string::npos);
  EXPECT_NE(table.find("0.0.0-test   <- differs"), std::string::npos) << table;
  EXPECT_NE(table.find("sdk_abi_hash"), std::string::npos);
}

TEST_F(BrokenPlugins, ThrowingRegistrationLeavesNothingRegistered) {
  EXPECT_EQ(reason("throwing"),
            "registration of plugin 'throwing' failed: throwing-plugin: model folder 'weights/' not found");
  EXPECT_EQ(registry.find("scorer/half-registered"), nullptr);
}

TEST_F(BrokenPlugins, DuplicateComponentNamesBothLibraries) {
  EXPECT_EQ(reason("duplicate-a"), "(not refused)");
  EXPECT_EQ(reason("duplicate-b"),
            "component 'scorer/duplicate-probe' is already registered by " + broken("duplicate-a").string());
  ASSERT_NE(registry.find("scorer/duplicate-probe"), nullptr);
  EXPECT_EQ(registry.find("scorer/duplicate-probe")->plugin->path, broken("duplicate-a"));
}

TEST_F(BrokenPlugins, TheWorkingPluginsStillLoad) {
  EXPECT_EQ(loader.refused().size(), 5u);
  ASSERT_NE(registry.find("stage/probe"), nullptr);
  EXPECT_EQ(registry.find("stage/probe")->plugin->name, "probe-copy");
  EXPECT_NE(registry.find("scorer/constant"), nullptr);
}

TEST(PluginsCommand, ListsRefusedPluginsAndKeepsTheOthers) {
  const auto r = run_command({kVlforge, "plugins", "--path", kBrokenPluginDir.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("refused: " + broken("fingerprint").string() + ": plugin 'fingerprint' was built for another toolchain"),
            std::string::npos) << r.output;
  EXPECT_NE(r.output.find("0.0.0-test   <- differs"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("refused: " + broken("no-entry").string() + ": no entry symbol"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("probe-copy"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("    stage/probe"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("5 refused"), std::string::npos) << r.output;
}

TEST(PluginBuild, ExportsOnlyTheEntrySymbolEvenWhenStripped) {
  const fs::path dir = fresh_dir("stripped-plugin");
  const fs::path copy = dir / "vlforge_probe.so";
  fs::copy_file(kGoodPluginDir / "vlforge_probe.so", copy);
  ASSERT_EQ(run_command({"strip", "--strip-all", copy.string()}).exit_code, 0);
  EXPECT_EQ(elf_exported_symbols(copy), std::vector<std::string>{"vlforge_plugin_entry"});
  // The stripped copy still passes the handshake and registers.
  Registry registry;
  PluginLoader loader(registry);
  ASSERT_NE(loader.load(copy), nullptr) << loader.refused().front().message();
  EXPECT_NE(registry.find("stage/probe"), nullptr);
}

TEST(PluginBuild, ManifestListsTheRegisteredComponents) {
  const auto m = read_manifest(manifest_path_for(kGoodPluginDir / "vlforge_probe.so"));
  EXPECT_EQ(m.plugin, "probe");
  EXPECT_EQ(m.components, (std::vector<std::string>{"scorer/constant", "stage/probe"}));
}

TEST(PluginBuild, NonElfFileIsRefusedCleanly) {
  const fs::path dir = fresh_dir("not-elf");
  write_text(dir / "vlforge_text.so", std::string(200, 'x'));
  Registry registry;
  PluginLoader loader(registry);
  EXPECT_EQ(loader.load(dir / "vlforge_text.so"), nullptr);
  EXPECT_EQ(loader.refused().at(0).reason, "not an ELF file");
}
