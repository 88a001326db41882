# `cmake --install` layout: the SDK, its headers, the vlforge executable, the in-tree plugins and
# the CMake package (find_package(vlforge) + vlforge_add_plugin) for out-of-tree plugin authors.
include(CMakePackageConfigHelpers)

install(EXPORT vlforgeTargets NAMESPACE vlforge:: DESTINATION ${VLFORGE_INSTALL_CMAKE_DIR})

set(VLFORGE_TORCH_VERSION_AT_BUILD "${Torch_VERSION}")
configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/vlforgeConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/vlforgeConfig.cmake"
  INSTALL_DESTINATION ${VLFORGE_INSTALL_CMAKE_DIR})
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/vlforgeConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/vlforgeConfig.cmake"
  "${PROJECT_BINARY_DIR}/vlforgeConfigVersion.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/VlforgeAddPlugin.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/VlforgeFingerprint.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/vlforge_plugin.map"
  DESTINATION ${VLFORGE_INSTALL_CMAKE_DIR})
