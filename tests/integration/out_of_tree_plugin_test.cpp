// The plugin promise: install the SDK into a prefix, build examples/plugin_template out of tree
// against it, and run a recipe that uses its component with the vlforge executable already
// built, untouched. Also: the CMake package refuses a foreign LibTorch at configure time.
#include <gtest/gtest.h>

#include <map>

#include "process.hpp"
#include "test_paths.hpp"
#include "tsv.hpp"

namespace fs = std::filesystem;
using namespace vlforge::test;

namespace {

void must_succeed(const std::vector<std::string>& args) {
  const auto r = run_command(args);
  ASSERT_EQ(r.exit_code, 0) << describe(args) << "\n" << r.output;
}

}  // namespace

TEST(OutOfTreePlugin, BuildsAgainstInstalledSdkAndRunsWithoutHostRebuild) {
  const fs::path dir = fresh_dir("out-of-tree-plugin");
  const fs::path prefix = dir / "prefix";
  const fs::path plugin_build = dir / "word-count";
  const auto host_time = fs::last_write_time(kVlforge);

  must_succeed({"cmake", "--install", kBuildDir.string(), "--prefix", prefix.string()});
  ASSERT_TRUE(fs::exists(prefix / "include" / "vlforge" / "plugin.hpp"));
  ASSERT_TRUE(fs::exists(prefix / "lib" / "cmake" / "vlforge" / "vlforgeConfig.cmake"));
  ASSERT_TRUE(fs::exists(prefix / "lib" / "vlforge" / "plugins" / "vlforge_selectors.json"));

  must_succeed({"cmake", "-S", (kSourceDir / "examples" / "plugin_template").string(), "-B", plugin_build.string(),
                "-G", "Ninja", "-DCMAKE_PREFIX_PATH=" + prefix.string(), "-DCMAKE_BUILD_TYPE=Release"});
  must_succeed({"cmake", "--build", plugin_build.string()});
  ASSERT_TRUE(fs::exists(plugin_build / "vlforge_word-count.so"));
  ASSERT_TRUE(fs::exists(plugin_build / "vlforge_word-count.json"));

  // The installed executable sees its own plugins and, through the search path, the new one.
  const auto described = run_command({(prefix / "bin" / "vlforge").string(), "describe", "scorer/word-count", "--path",
                                      plugin_build.string()});
  ASSERT_EQ(described.exit_code, 0) << described.output;
  EXPECT_NE(described.output.find("min_length  integer in [0, 64], default 1"), std::string::npos) << described.output;

  // A recipe scores captions with the out-of-tree scorer and with the built-in heuristics; the
  // word counts must agree (both count whitespace-separated tokens when min_length = 0).
  const fs::path run_dir = dir / "run";
  const fs::path recipe = dir / "recipe.toml";
  write_text(recipe, "[run]\ndir = \"" + run_dir.string() + "\"\n[plugins]\npaths = [\"" + plugin_build.string() +
                         "\"]\n[components.world]\nuse = \"dataset/synthetic\"\nsamples = 300\nshards = 2\n"
                         "[[stage]]\nname = \"words\"\nuse = \"stage/score\"\ndata = \"world\"\n"
                         "scorer = { use = \"scorer/word-count\", min_length = 0 }\n"
                         "[[stage]]\nname = \"heuristics\"\nuse = \"stage/score\"\ndata = \"world\"\n"
                         "scorer = { use = \"scorer/caption-heuristics\" }\n");
  const auto ran = run_command({kVlforge, "run", recipe.string()});
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(fs::last_write_time(kVlforge), host_time) << "the host was rebuilt";

  size_t compared = 0;
  for (const auto& shard : read_tsv(run_dir / "words" / "shards.txt", false)) {
    const auto words = read_tsv(run_dir / "words" / "scores" / (shard.at(0) + ".word_count.tsv"), true);
    const auto heur = read_tsv(run_dir / "heuristics" / "scores" / (shard.at(0) + ".caption_quality.tsv"), true);
    ASSERT_EQ(words.size(), heur.size());
    for (size_t i = 0; i < words.size(); ++i) {
      ASSERT_EQ(words[i].at(0), heur[i].at(0));                       // same uid, same order
      EXPECT_EQ(std::stod(words[i].at(1)), std::stod(heur[i].at(2)));  // word_count == words
      ++compared;
    }
  }
  EXPECT_EQ(compared, 300u);
}

TEST(OutOfTreePlugin, PackageRefusesAForeignLibTorchAtConfigureTime) {
  const fs::path dir = fresh_dir("out-of-tree-foreign-torch");
  const fs::path prefix = kBuildDir / "test-work" / "out-of-tree-plugin" / "prefix";
  if (!fs::exists(prefix / "lib" / "cmake" / "vlforge")) {
    must_succeed({"cmake", "--install", kBuildDir.string(), "--prefix", (dir / "prefix").string()});
  }
  const fs::path sdk = fs::exists(prefix / "lib" / "cmake" / "vlforge") ? prefix : dir / "prefix";
  // A stand-in LibTorch package that reports another version.
  write_text(dir / "fake-torch" / "TorchConfig.cmake",
             "set(Torch_VERSION 9.9.9)\nadd_library(torch INTERFACE IMPORTED)\n");
  const auto r = run_command({"cmake", "-S", (kSourceDir / "examples" / "plugin_template").string(), "-B",
                              (dir / "build").string(), "-G", "Ninja", "-DCMAKE_PREFIX_PATH=" + sdk.string(),
                              "-DTorch_DIR=" + (dir / "fake-torch").string()});
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("this project finds LibTorch 9.9.9, but the vlforge SDK was built"), std::string::npos)
      << r.output;
}
