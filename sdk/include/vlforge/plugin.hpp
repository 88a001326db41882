// Writing a plugin: include this header, define a registration function, invoke VLFORGE_PLUGIN.
//
//   #include <vlforge/plugin.hpp>
//   static void register_components(vlforge::Registrar& r) { r.add<vlforge::Scorer>(...); }
//   VLFORGE_PLUGIN(register_components)
//
// The macro defines the one exported symbol, `vlforge_plugin_entry`, returning the descriptor of
// <vlforge/abi.h>: ABI version, plugin name and version (from vlforge_add_plugin's NAME and
// VERSION), the build fingerprint, and a registration trampoline that never throws (an exception
// from the registration function becomes the plugin's load error). Build with
// vlforge_add_plugin() from the vlforge CMake package.
#pragma once

#include <cstddef>
#include <cstring>
#include <exception>

#include "vlforge/abi.h"
#include "vlforge/fingerprint.hpp"
#include "vlforge/registrar.hpp"

namespace vlforge::detail {

inline void copy_error(char* out, size_t len, const char* message) {
  if (out == nullptr || len == 0) return;
  std::strncpy(out, message, len - 1);
  out[len - 1] = '\0';
}

template <void (*Register)(Registrar&)>
int register_trampoline(void* registrar, char* error, size_t error_len) noexcept {
  try {
    Register(*static_cast<Registrar*>(registrar));
    return 0;
  } catch (const std::exception& e) {
    copy_error(error, error_len, e.what());
  } catch (...) {
    copy_error(error, error_len, "registration threw a non-standard exception");
  }
  return 1;
}

}  // namespace vlforge::detail

#if !defined(VLFORGE_PLUGIN_NAME) || !defined(VLFORGE_PLUGIN_VERSION)
#error "VLFORGE_PLUGIN_NAME and VLFORGE_PLUGIN_VERSION are set by vlforge_add_plugin(); build plugins with it"
#endif

#define VLFORGE_PLUGIN(register_function)                                                    \
  extern "C" __attribute__((visibility("default"))) const vlforge_plugin_descriptor*         \
  vlforge_plugin_entry(void) {                                                               \
    static const vlforge_plugin_descriptor descriptor = {                                    \
        VLFORGE_ABI_MAJOR,                                                                   \
        VLFORGE_ABI_MINOR,                                                                   \
        VLFORGE_PLUGIN_NAME,                                                                 \
        VLFORGE_PLUGIN_VERSION,                                                              \
        VLFORGE_FINGERPRINT_INIT,                                                            \
        &::vlforge::detail::register_trampoline<&register_function>};                        \
    return &descriptor;                                                                      \
  }
