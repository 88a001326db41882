#include <cstdio>

#include "commands.hpp"
#include "host_fingerprint.hpp"
#include "vlforge/abi.h"
#include "vlforge/build_config.h"

namespace vlforge::cli {

Action add_version_command(CLI::App& app) {
  app.add_subcommand("version", "Print the versions a plugin must match: SDK ABI, LibTorch, CUDA, compiler");
  return [] {
    const auto& fp = host::host_fingerprint();
    std::printf("vlforge        %s\n", VLFORGE_VERSION_STRING);
    std::printf("sdk abi        %d.%d (hash %s)\n", VLFORGE_ABI_MAJOR, VLFORGE_ABI_MINOR, fp.sdk_abi_hash);
    std::printf("libtorch       %s\n", fp.torch_version);
    std::printf("cuda           %s\n", fp.cuda_version);
    std::printf("compiler       %s %d\n", fp.compiler_id, fp.compiler_major);
    std::printf("c++ standard   %lld\n", static_cast<long long>(fp.cxx_standard));
    std::printf("cxx11 abi      %d\n", fp.cxx11_abi);
    return 0;
  };
}

}  // namespace vlforge::cli
