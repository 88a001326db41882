/* The C interface of libvlforge-spm-shim.so, the one library of vlforge that links
 * libsentencepiece.
 *
 * Debian's libsentencepiece.so.0 carries and exports its own protobuf-lite, which clashes with
 * LibTorch's protobuf in one process (DESIGN.md section 7). The sentencepiece plugin therefore
 * never links it: it dlopens this shim with RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND, so that the
 * shim and libsentencepiece bind to their own protobuf, and calls it through these plain C
 * functions. No C++ object crosses: results come back through sink callbacks and errors as text.
 */
#ifndef VLFORGE_SPM_SHIM_API_H
#define VLFORGE_SPM_SHIM_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any change below; the plugin refuses a shim of another version. */
#define VLFORGE_SPM_SHIM_API_VERSION 1

typedef struct vlforge_spm vlforge_spm;

/* Receive a result; called once per successful call, the data valid only during the call. */
typedef void (*vlforge_spm_ids_sink)(void* user, const int32_t* ids, size_t count);
typedef void (*vlforge_spm_text_sink)(void* user, const char* text, size_t size);

/* Piece types, numbered as sentencepiece's ModelProto.SentencePiece.Type. User-defined pieces
 * report as NORMAL: libsentencepiece's processor API does not tell them apart, and they need
 * nothing special (sentencepiece itself matches them in the text). */
enum vlforge_spm_piece_type {
  VLFORGE_SPM_NORMAL = 1,
  VLFORGE_SPM_UNKNOWN = 2,
  VLFORGE_SPM_CONTROL = 3,
  VLFORGE_SPM_UNUSED = 5,
  VLFORGE_SPM_BYTE = 6
};

int vlforge_spm_api_version(void);

/* A loaded model, or NULL with a message in `error`. */
vlforge_spm* vlforge_spm_load(const char* model_file, char* error, size_t error_len);
void vlforge_spm_free(vlforge_spm* model);

/* 0 on success (the sink has been called), non-zero with a message in `error`. */
int vlforge_spm_encode(const vlforge_spm* model, const char* text, size_t size, vlforge_spm_ids_sink sink,
                       void* user, char* error, size_t error_len);
int vlforge_spm_decode(const vlforge_spm* model, const int32_t* ids, size_t count, vlforge_spm_text_sink sink,
                       void* user, char* error, size_t error_len);

int32_t vlforge_spm_vocab_size(const vlforge_spm* model);
/* The piece's id, or -1 when the vocabulary has no such piece. */
int32_t vlforge_spm_piece_to_id(const vlforge_spm* model, const char* piece, size_t size);
/* Calls the sink with the piece of `id`; the caller keeps id within [0, vocab size). */
void vlforge_spm_id_to_piece(const vlforge_spm* model, int32_t id, vlforge_spm_text_sink sink, void* user);
int vlforge_spm_piece_type(const vlforge_spm* model, int32_t id);

/* The ids the model was trained with; -1 when disabled. */
int32_t vlforge_spm_bos_id(const vlforge_spm* model);
int32_t vlforge_spm_eos_id(const vlforge_spm* model);
int32_t vlforge_spm_pad_id(const vlforge_spm* model);
int32_t vlforge_spm_unk_id(const vlforge_spm* model);

#ifdef __cplusplus
}
#endif

#endif /* VLFORGE_SPM_SHIM_API_H */
