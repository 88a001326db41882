// libvlforge-spm-shim.so: libsentencepiece behind the C interface of spm_shim_api.h. Exceptions
// never cross that interface: each entry point turns them into its error text.
#include <sentencepiece_processor.h>

#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "spm_shim_api.h"

#define VLFORGE_SPM_EXPORT __attribute__((visibility("default")))

struct vlforge_spm {
  sentencepiece::SentencePieceProcessor processor;
};

namespace {

void write_error(char* out, size_t len, const std::string& message) {
  if (out == nullptr || len == 0) return;
  std::strncpy(out, message.c_str(), len - 1);
  out[len - 1] = '\0';
}

// Runs `body`, which returns a status; reports a failed status or an exception in `error`.
template <class Body>
int guarded(char* error, size_t error_len, Body body) noexcept {
  try {
    const sentencepiece::util::Status status = body();
    if (status.ok()) return 0;
    write_error(error, error_len, status.ToString());
  } catch (const std::exception& e) {
    write_error(error, error_len, e.what());
  } catch (...) {
    write_error(error, error_len, "libsentencepiece threw a non-standard exception");
  }
  return 1;
}

}  // namespace

extern "C" {

VLFORGE_SPM_EXPORT int vlforge_spm_api_version(void) { return VLFORGE_SPM_SHIM_API_VERSION; }

VLFORGE_SPM_EXPORT vlforge_spm* vlforge_spm_load(const char* model_file, char* error, size_t error_len) {
  std::unique_ptr<vlforge_spm> model;
  const int failed = guarded(error, error_len, [&] {
    model = std::make_unique<vlforge_spm>();
    return model->processor.Load(model_file);
  });
  return failed ? nullptr : model.release();
}

VLFORGE_SPM_EXPORT void vlforge_spm_free(vlforge_spm* model) { delete model; }

VLFORGE_SPM_EXPORT int vlforge_spm_encode(const vlforge_spm* model, const char* text, size_t size,
                                          vlforge_spm_ids_sink sink, void* user, char* error, size_t error_len) {
  return guarded(error, error_len, [&] {
    std::vector<int> ids;
    auto status = model->processor.Encode(std::string_view(text, size), &ids);
    if (status.ok()) {
      const std::vector<int32_t> out(ids.begin(), ids.end());
      sink(user, out.data(), out.size());
    }
    return status;
  });
}

VLFORGE_SPM_EXPORT int vlforge_spm_decode(const vlforge_spm* model, const int32_t* ids, size_t count,
                                          vlforge_spm_text_sink sink, void* user, char* error, size_t error_len) {
  return guarded(error, error_len, [&] {
    const std::vector<int> in(ids, ids + count);
    std::string text;
    auto status = model->processor.Decode(in, &text);
    if (status.ok()) sink(user, text.data(), text.size());
    return status;
  });
}

VLFORGE_SPM_EXPORT int32_t vlforge_spm_vocab_size(const vlforge_spm* model) { return model->processor.GetPieceSize(); }

VLFORGE_SPM_EXPORT int32_t vlforge_spm_piece_to_id(const vlforge_spm* model, const char* piece, size_t size) {
  const std::string_view wanted(piece, size);
  const int id = model->processor.PieceToId(wanted);
  // PieceToId answers the unknown id for a piece it does not have.
  if (model->processor.IsUnknown(id) && model->processor.IdToPiece(id) != wanted) return -1;
  return id;
}

VLFORGE_SPM_EXPORT void vlforge_spm_id_to_piece(const vlforge_spm* model, int32_t id, vlforge_spm_text_sink sink,
                                                void* user) {
  const std::string& piece = model->processor.IdToPiece(id);
  sink(user, piece.data(), piece.size());
}

VLFORGE_SPM_EXPORT int vlforge_spm_piece_type(const vlforge_spm* model, int32_t id) {
  const auto& p = model->processor;
  if (p.IsUnknown(id)) return VLFORGE_SPM_UNKNOWN;
  if (p.IsControl(id)) return VLFORGE_SPM_CONTROL;
  if (p.IsUnused(id)) return VLFORGE_SPM_UNUSED;
  if (p.IsByte(id)) return VLFORGE_SPM_BYTE;
  return VLFORGE_SPM_NORMAL;
}

VLFORGE_SPM_EXPORT int32_t vlforge_spm_bos_id(const vlforge_spm* model) { return model->processor.bos_id(); }
VLFORGE_SPM_EXPORT int32_t vlforge_spm_eos_id(const vlforge_spm* model) { return model->processor.eos_id(); }
VLFORGE_SPM_EXPORT int32_t vlforge_spm_pad_id(const vlforge_spm* model) { return model->processor.pad_id(); }
VLFORGE_SPM_EXPORT int32_t vlforge_spm_unk_id(const vlforge_spm* model) { return model->processor.unk_id(); }

}  // extern "C"
