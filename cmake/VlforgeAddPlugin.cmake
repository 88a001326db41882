# vlforge_add_plugin(NAME SOURCES src... [VERSION v] [LINK_LIBRARIES lib...] [OUTPUT_DIRECTORY dir]
#                    [TORCH] [NO_MANIFEST] [NO_INSTALL])
#
# Builds one vlforge plugin: a shared module named vlforge_NAME.so with hidden visibility,
# `-z defs`, a version script exporting only `vlforge_plugin_entry`, and the build fingerprint
# compiled in. After linking, `vlforge plugins --write-manifest` records which components the
# plugin provides (vlforge_NAME.json next to it), so the host loads only the plugins a recipe
# uses. `cmake --install` puts both into <prefix>/lib/vlforge/plugins, where the vlforge executable
# of that prefix finds them. TORCH compiles the plugin with a precompiled <torch/torch.h>, shared
# by every TORCH plugin of the project. The same function builds in-tree and out-of-tree plugins.

set(VLFORGE_PLUGIN_VERSION_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/vlforge_plugin.map" CACHE INTERNAL "")

# One precompiled <torch/torch.h>, built once with the plugins' flags and reused by each of them.
function(_vlforge_plugin_torch_pch)
  if(TARGET vlforge_plugin_torch_pch)
    return()
  endif()
  set(_src "${CMAKE_BINARY_DIR}/vlforge_plugin_torch_pch.cpp")
  if(NOT EXISTS "${_src}")
    file(WRITE "${_src}" "// Holder of the precompiled <torch/torch.h> that vlforge plugins share.\n")
  endif()
  add_library(vlforge_plugin_torch_pch OBJECT "${_src}")
  set_target_properties(vlforge_plugin_torch_pch PROPERTIES
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON POSITION_INDEPENDENT_CODE ON)
  target_link_libraries(vlforge_plugin_torch_pch PRIVATE vlforge::sdk)
  target_precompile_headers(vlforge_plugin_torch_pch PRIVATE <torch/torch.h>)
endfunction()

function(vlforge_add_plugin name)
  cmake_parse_arguments(ARG "TORCH;NO_MANIFEST;NO_INSTALL" "VERSION;OUTPUT_DIRECTORY" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "vlforge_add_plugin(${name}): SOURCES is required")
  endif()
  if(NOT ARG_VERSION)
    set(ARG_VERSION "${PROJECT_VERSION}")
  endif()
  if(NOT ARG_VERSION)
    set(ARG_VERSION "0.0.0")
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    if(DEFINED VLFORGE_PLUGIN_OUTPUT_DIR)
      set(ARG_OUTPUT_DIRECTORY "${VLFORGE_PLUGIN_OUTPUT_DIR}")
    else()
      set(ARG_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
    endif()
  endif()

  set(target vlforge_plugin_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "vlforge_${name}"
    LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${VLFORGE_PLUGIN_VERSION_SCRIPT}")
  target_link_libraries(${target} PRIVATE vlforge::sdk ${ARG_LINK_LIBRARIES})
  target_link_options(${target} PRIVATE
    "LINKER:-z,defs" "LINKER:--version-script=${VLFORGE_PLUGIN_VERSION_SCRIPT}")
  target_compile_definitions(${target} PRIVATE
    VLFORGE_PLUGIN_NAME="${name}"
    VLFORGE_PLUGIN_VERSION="${ARG_VERSION}"
    VLFORGE_BUILD_CUDA_VERSION="${VLFORGE_CUDA_VERSION}")

  if(ARG_TORCH)
    _vlforge_plugin_torch_pch()
    target_precompile_headers(${target} REUSE_FROM vlforge_plugin_torch_pch)
  endif()

  if(NOT ARG_NO_MANIFEST)
    add_custom_command(TARGET ${target} POST_BUILD
      COMMAND "${VLFORGE_CLI}" plugins --write-manifest "$<TARGET_FILE:${target}>"
      COMMENT "Writing component manifest of plugin ${name}"
      VERBATIM)
    if(TARGET vlforge)
      add_dependencies(${target} vlforge)
    endif()
  endif()

  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION "${VLFORGE_INSTALL_PLUGIN_DIR}")
    if(NOT ARG_NO_MANIFEST)
      install(FILES "${ARG_OUTPUT_DIRECTORY}/vlforge_${name}.json" DESTINATION "${VLFORGE_INSTALL_PLUGIN_DIR}")
    endif()
  endif()
endfunction()
