#include "spm_shim_library.hpp"

#include <dlfcn.h>

#include <memory>
#include <mutex>
#include <string>

#include "vlforge/error.hpp"

namespace vlforge::spm {
namespace {

constexpr const char* kShimFile = "libvlforge-spm-shim.so";

// The shim is installed beside the plugin: find the plugin's own file from one of its symbols.
std::filesystem::path shim_path() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&spm_shim), &info) == 0 || info.dli_fname == nullptr)
    throw Error("tokenizer/sentencepiece", "cannot find the plugin's own library file (dladdr failed)");
  return std::filesystem::path(info.dli_fname).parent_path() / kShimFile;
}

template <class F>
void bind(void* handle, const std::filesystem::path& path, const char* name, F& out) {
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr)
    throw Error(path.string(), std::string("has no symbol '") + name + "' (a shim from another vlforge build? rebuild the plugin)");
  out = reinterpret_cast<F>(symbol);
}

SpmShimLibrary open_shim() {
  SpmShimLibrary lib;
  lib.path = shim_path();
  void* handle = dlopen(lib.path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (handle == nullptr) {
    const char* why = dlerror();
    throw Error(lib.path.string(), std::string("cannot load the sentencepiece shim: ") + (why ? why : "unknown dlopen error") +
                                       " (it is built and installed beside vlforge_sentencepiece.so; libsentencepiece0 must be installed)");
  }
  decltype(&vlforge_spm_api_version) api_version = nullptr;
  bind(handle, lib.path, "vlforge_spm_api_version", api_version);
  if (api_version() != VLFORGE_SPM_SHIM_API_VERSION)
    throw Error(lib.path.string(), "shim API version " + std::to_string(api_version()) + ", plugin expects " +
                                       std::to_string(VLFORGE_SPM_SHIM_API_VERSION) + " (rebuild both from one source tree)");
  bind(handle, lib.path, "vlforge_spm_load", lib.load);
  bind(handle, lib.path, "vlforge_spm_free", lib.free);
  bind(handle, lib.path, "vlforge_spm_encode", lib.encode);
  bind(handle, lib.path, "vlforge_spm_decode", lib.decode);
  bind(handle, lib.path, "vlforge_spm_vocab_size", lib.vocab_size);
  bind(handle, lib.path, "vlforge_spm_piece_to_id", lib.piece_to_id);
  bind(handle, lib.path, "vlforge_spm_id_to_piece", lib.id_to_piece);
  bind(handle, lib.path, "vlforge_spm_piece_type", lib.piece_type);
  bind(handle, lib.path, "vlforge_spm_bos_id", lib.bos_id);
  bind(handle, lib.path, "vlforge_spm_eos_id", lib.eos_id);
  bind(handle, lib.path, "vlforge_spm_pad_id", lib.pad_id);
  bind(handle, lib.path, "vlforge_spm_unk_id", lib.unk_id);
  return lib;
}

}  // namespace

const SpmShimLibrary& spm_shim() {
  // A failed load is retried on the next use: the error is worth repeating to each caller.
  static std::mutex mutex;
  static std::unique_ptr<SpmShimLibrary> shim;
  std::lock_guard lock(mutex);
  if (!shim) shim = std::make_unique<SpmShimLibrary>(open_shim());
  return *shim;
}

}  // namespace vlforge::spm
