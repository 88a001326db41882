# Compiler settings, dependencies and the build fingerprint shared by the SDK, host and plugins.
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

find_program(VLFORGE_CCACHE ccache)
if(VLFORGE_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${VLFORGE_CCACHE}")
  set(CMAKE_C_COMPILER_LAUNCHER "${VLFORGE_CCACHE}")
endif()

set(CMAKE_RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/bin")
set(CMAKE_LIBRARY_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/lib")
set(CMAKE_ARCHIVE_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/lib")
set(VLFORGE_PLUGIN_OUTPUT_DIR "${PROJECT_BINARY_DIR}/lib/vlforge/plugins")

include(GNUInstallDirs)
# The executable finds plugins at ../lib/vlforge/plugins from its own folder, whatever the libdir.
set(VLFORGE_INSTALL_PLUGIN_DIR "lib/vlforge/plugins")
set(VLFORGE_INSTALL_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/vlforge")

add_compile_options(-Wall -Wextra -Wpedantic)
if(VLFORGE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# Debian's Torch config pulls in Caffe2's, which warns about optional pieces; keep it quiet.
find_package(Torch REQUIRED QUIET)
find_package(Threads REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)

include(VlforgeFingerprint)
