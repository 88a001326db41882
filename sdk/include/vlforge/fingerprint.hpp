// The build fingerprint of the translation unit that includes this header, as the C descriptor
// carries it. Compiled into every plugin (through VLFORGE_PLUGIN) and into the host, which
// compares the two before calling any registration code.
#pragma once

#include <torch/version.h>

#include "vlforge/abi.h"
#include "vlforge/build_config.h"

// Overridable for tests that need a plugin built "against another LibTorch".
#ifndef VLFORGE_FINGERPRINT_TORCH_VERSION
#define VLFORGE_FINGERPRINT_TORCH_VERSION TORCH_VERSION
#endif

// vlforge_add_plugin() passes the CUDA version of the plugin's own LibTorch.
#ifndef VLFORGE_BUILD_CUDA_VERSION
#define VLFORGE_BUILD_CUDA_VERSION VLFORGE_SDK_CUDA_VERSION
#endif

#if defined(__clang__)
#define VLFORGE_COMPILER_ID "clang"
#define VLFORGE_COMPILER_MAJOR __clang_major__
#elif defined(__GNUC__)
#define VLFORGE_COMPILER_ID "gcc"
#define VLFORGE_COMPILER_MAJOR __GNUC__
#else
#error "vlforge supports gcc and clang"
#endif

#define VLFORGE_FINGERPRINT_INIT                                                               \
  {                                                                                            \
    VLFORGE_SDK_ABI_HASH, VLFORGE_FINGERPRINT_TORCH_VERSION, VLFORGE_BUILD_CUDA_VERSION,       \
        VLFORGE_COMPILER_ID, VLFORGE_COMPILER_MAJOR, _GLIBCXX_USE_CXX11_ABI, __cplusplus       \
  }
