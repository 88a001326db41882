/*
 * vlforge plugin ABI: the frozen C descriptor every plugin exports.
 *
 * A plugin is a shared library exporting exactly one symbol, `vlforge_plugin_entry`, a C function
 * returning a pointer to a static `vlforge_plugin_descriptor`. The host reads the descriptor,
 * checks the ABI version and the build fingerprint, and only then calls `register_components`.
 * Plugin authors never write this by hand: VLFORGE_PLUGIN in <vlforge/plugin.hpp> does.
 *
 * Compatibility: the host accepts a plugin when abi_major equals its own and abi_minor is not
 * newer than its own. New fields are only ever appended, with a minor bump.
 */
#ifndef VLFORGE_ABI_H
#define VLFORGE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VLFORGE_ABI_MAJOR 1
#define VLFORGE_ABI_MINOR 0
#define VLFORGE_ENTRY_SYMBOL "vlforge_plugin_entry"

/* What must be equal between host and plugin for C++ types to cross the boundary safely. */
typedef struct vlforge_fingerprint {
  const char* sdk_abi_hash;   /* hash of the SDK's public headers the plugin was compiled with */
  const char* torch_version;  /* LibTorch version string, e.g. "1.13.0" */
  const char* cuda_version;   /* CUDA version of that LibTorch, or "none" */
  const char* compiler_id;    /* "gcc" or "clang" */
  int32_t compiler_major;     /* e.g. 12 */
  int32_t cxx11_abi;          /* value of _GLIBCXX_USE_CXX11_ABI */
  int64_t cxx_standard;       /* value of __cplusplus */
} vlforge_fingerprint;

/*
 * Adds the plugin's components to `registrar` (a vlforge::Registrar*). Never throws: returns 0 on
 * success, otherwise non-zero with a NUL-terminated message of at most `error_len` bytes in
 * `error`. Registration is all-or-nothing: the host discards every component of a failed call.
 */
typedef int (*vlforge_register_fn)(void* registrar, char* error, size_t error_len);

typedef struct vlforge_plugin_descriptor {
  uint32_t abi_major;
  uint32_t abi_minor;
  const char* name;     /* plugin name, e.g. "selectors" */
  const char* version;  /* plugin version, e.g. "0.1.0" */
  vlforge_fingerprint fingerprint;
  vlforge_register_fn register_components;
} vlforge_plugin_descriptor;

typedef const vlforge_plugin_descriptor* (*vlforge_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* VLFORGE_ABI_H */
