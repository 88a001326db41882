// Cost of the plugin handshake (export check from the ELF file, dlopen, ABI and fingerprint
// check, registration into a staging list and commit) against a bare dlopen + dlsym of the same
// library. Each load uses a fresh copy, since the loader never unloads and dlopen caches by path.
#include <dlfcn.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "plugin_loader.hpp"
#include "registry.hpp"
#include "vlforge/abi.h"

namespace fs = std::filesystem;

namespace {

constexpr int kLoads = 40;

std::vector<fs::path> copies(const fs::path& library, const fs::path& dir, const std::string& tag) {
  std::vector<fs::path> out;
  for (int i = 0; i < kLoads; ++i) {
    const fs::path p = dir / (tag + std::to_string(i)) / library.filename();
    fs::create_directories(p.parent_path());
    fs::copy_file(library, p, fs::copy_options::overwrite_existing);
    out.push_back(p);
  }
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main() {
  const fs::path library = fs::path(VLFORGE_BENCH_PLUGIN_DIR) / "vlforge_curation.so";
  const fs::path dir = fs::temp_directory_path() / "vlforge-bench-plugin-load";
  fs::remove_all(dir);
  const auto bare_copies = copies(library, dir, "bare");
  const auto handshake_copies = copies(library, dir, "handshake");

  auto t = std::chrono::steady_clock::now();
  for (const auto& p : bare_copies) {
    void* handle = dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle || !dlsym(handle, VLFORGE_ENTRY_SYMBOL)) {
      std::fprintf(stderr, "dlopen failed: %s\n", dlerror());
      return 1;
    }
  }
  const double bare = seconds_since(t) / kLoads;

  t = std::chrono::steady_clock::now();
  for (const auto& p : handshake_copies) {
    vlforge::host::Registry registry;
    vlforge::host::PluginLoader loader(registry);
    if (!loader.load(p)) {
      std::fprintf(stderr, "%s\n", loader.refused().front().message().c_str());
      return 1;
    }
  }
  const double handshake = seconds_since(t) / kLoads;
  fs::remove_all(dir);

  std::printf("plugin load (%s, %d loads each)\n", library.filename().c_str(), kLoads);
  std::printf("  baseline  dlopen + dlsym          %8.3f ms\n", bare * 1e3);
  std::printf("  vlforge   handshake + register    %8.3f ms\n", handshake * 1e3);
  std::printf("  ratio     handshake / baseline    %8.2fx\n", handshake / bare);
  return 0;
}
