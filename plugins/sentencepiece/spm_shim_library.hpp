// The plugin's handle on libvlforge-spm-shim.so: opened once, from the folder of the plugin's own
// library, with RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND (see spm_shim_api.h for why), and never
// closed, like the plugins themselves. DEEPBIND is refused under AddressSanitizer, so this plugin
// stays out of sanitizer runs.
#pragma once

#include <filesystem>

#include "spm_shim_api.h"

namespace vlforge::spm {

struct SpmShimLibrary {
  std::filesystem::path path;
  decltype(&vlforge_spm_load) load;
  decltype(&vlforge_spm_free) free;
  decltype(&vlforge_spm_encode) encode;
  decltype(&vlforge_spm_decode) decode;
  decltype(&vlforge_spm_vocab_size) vocab_size;
  decltype(&vlforge_spm_piece_to_id) piece_to_id;
  decltype(&vlforge_spm_id_to_piece) id_to_piece;
  decltype(&vlforge_spm_piece_type) piece_type;
  decltype(&vlforge_spm_bos_id) bos_id;
  decltype(&vlforge_spm_eos_id) eos_id;
  decltype(&vlforge_spm_pad_id) pad_id;
  decltype(&vlforge_spm_unk_id) unk_id;
};

// The shim, loaded on first use; throws vlforge::Error naming the shim's path when it is missing,
// cannot be loaded, or has another API version.
const SpmShimLibrary& spm_shim();

}  // namespace vlforge::spm
