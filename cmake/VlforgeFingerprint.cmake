# The build fingerprint: what must match between the host and a plugin for the C++ types that
# cross the boundary (std, LibTorch, SDK) to have one layout. Each value is computed where the
# plugin is compiled, so a plugin built against another LibTorch or SDK is refused at load time.

# CUDA version of the LibTorch in use, or "none" for a CPU build.
if(DEFINED CUDA_VERSION AND TORCH_CUDA_LIBRARIES)
  set(VLFORGE_CUDA_VERSION "${CUDA_VERSION}")
else()
  set(VLFORGE_CUDA_VERSION "none")
endif()

# Hash of the public SDK headers: any change to the contract changes it.
function(vlforge_compute_sdk_abi_hash out_var header_dir)
  file(GLOB_RECURSE _headers RELATIVE "${header_dir}" "${header_dir}/vlforge/*.h" "${header_dir}/vlforge/*.hpp")
  list(SORT _headers)
  set(_all "")
  foreach(_h IN LISTS _headers)
    file(SHA256 "${header_dir}/${_h}" _sha)
    string(APPEND _all "${_h}:${_sha};")
  endforeach()
  string(SHA256 _hash "${_all}")
  string(SUBSTRING "${_hash}" 0 16 _short)
  set(${out_var} "${_short}" PARENT_SCOPE)
endfunction()
