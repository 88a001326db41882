// Conversation data for supervised fine-tuning (SFT): LLaVA-style conversation JSON, indexed once
// into one pre-tokenised file per sample (stage/conversation-index), then read back as training
// micro-batches, the BatchStream a trainer consumes.
//
// A sample, as LLaVA writes it ("user"/"assistant" are accepted for "human"/"gpt"; "image" is a
// path or a list of paths under the image folder, or absent for a text-only sample):
//
//   {"id": "000123", "image": "coco/000123.jpg",
//    "conversations": [{"from": "human", "value": "<image>\nWhat is on the table?"},
//                      {"from": "gpt", "value": "A red cup."}]}
//
// The conversation is rendered with the tokenizer's own chat template; each "<image>" becomes
// one image_token_id, expanded to image_tokens ids only when batches are made. Loss falls on the
// assistant turns alone: their content and end-of-turn token, never the role header, the other
// turns, the images or the padding.
//
// On disk (an index folder, the work folder of stage/conversation-index; docs/data-formats.md):
//   meta.json                      image_tokens, image_token_id, tokenizer, max_length, count, counts
//   index.bin                      a header, then 8 bytes per sample (length, images), memory-mapped
//   samples/000123/000123456.bin   sample 123456: id, token ids, loss mask, image paths, CRC-32
//   skipped.tsv                    every input sample left out: sample, id, reason, detail
//
// Order is a function of (seed, epoch) only, never of the number of ranks: the sample numbers are
// shuffled, optionally grouped by length, cut into micro-batches of samples_per_batch rows, and
// global micro-batch g goes to rank g % world_size, so a run resumes on another number of ranks.
// A micro-batch (TrainBatch::tensors), B rows right-padded to T, the longest row of the batch:
//   input_ids      [B, T] int64, placeholders expanded to image_tokens each, padded with pad_token_id
//   labels         [B, T] int64, the id on assistant tokens, kIgnoreIndex elsewhere
//   attention_mask [B, T] int64, 1 = token, 0 = padding
//   position_ids   [B, T] int64, 0, 1, ... per row
//   pixel_values   [I, 3, S, S] float32, every image of the batch in reading order (absent: none)
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/export.hpp"
#include "vlforge/image_check.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/tokenizer.hpp"
#include "vlforge/interfaces/trainer.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"

namespace vlforge {

// The text that stands for one image in a conversation.
inline constexpr std::string_view kImageMarker = "<image>";

// One sample as written, roles mapped to "system", "user", "assistant".
struct Conversation {
  std::string id;                   // the sample's "id" ("" when it has none)
  std::vector<std::string> images;  // as written, relative to the image folder
  std::vector<ChatMessage> messages;
};

// Why a sample is left out: a fixed reason phrase (for counting) and a detail (for the report).
// Reasons: "invalid json", "not an object", "invalid sample", "invalid utf-8", "empty
// conversation", "unknown role", "no assistant turn", "image count mismatch", "over length",
// "missing image", "unreadable image", and check_image()'s ("corrupt image", ...).
struct ConversationProblem {
  std::string reason;
  std::string detail;
};

// Parses one sample (a JSON object as text) into `out`; nullopt when it is usable. Never throws
// for bad input: the problem says what is wrong.
VLFORGE_API std::optional<ConversationProblem> parse_conversation(std::string_view json, Conversation& out);

// A conversation as token ids, one image_token_id per image.
struct ConversationTokens {
  std::vector<int64_t> ids;
  std::vector<uint8_t> loss_mask;  // aligned with ids: 1 = the token carries loss
  int64_t images = 0;
  int64_t length = 0;              // tokens once each placeholder is image_tokens ids
};

// Renders `conversation` with tokenizer.apply_chat_template and marks the assistant turns for
// loss: for assistant message i the span is the rendering of messages [0, i] minus that of
// [0, i) with the generation prompt, whitespace after its end-of-turn token left out. Throws
// vlforge::Error when the template's renderings do not extend one another (no span can be cut).
VLFORGE_API ConversationTokens tokenize_conversation(const Tokenizer& tokenizer, const Conversation& conversation,
                                                     int64_t image_token_id, int64_t image_tokens);

// ---- the index ----

struct ConversationIndexOptions {
  std::filesystem::path conversations;  // .json (a list of samples) or .jsonl (one per line)
  std::filesystem::path image_folder;   // image paths in the samples are relative to it
  std::filesystem::path out_dir;        // the index folder
  std::string tokenizer;                // its name, recorded in meta.json
  int64_t image_tokens = 729;
  int64_t image_token_id = -1;          // required: an id no text token has
  int64_t max_length = 4096;            // longer samples (after expansion) are left out
  ImageLimits image_limits;             // the header is checked, not the pixels
};

struct ConversationIndexCounts {
  int64_t samples = 0;      // read from the input
  int64_t kept = 0;         // in the index
  int64_t text_only = 0;    // of kept
  int64_t images = 0;       // of kept
  int64_t tokens = 0;       // of kept, placeholders expanded
  int64_t loss_tokens = 0;  // of kept
  int64_t longest = 0;      // of kept
  std::map<std::string, int64_t> skipped;  // by reason

  int64_t skipped_total() const {
    int64_t n = 0;
    for (const auto& [reason, count] : skipped) n += count;
    return n;
  }
};

// Builds the index folder from the input, one sample at a time (memory stays flat in the number
// of samples). Bad samples are left out, counted and listed in skipped.tsv; a missing input or
// one that is not a JSON list / JSON lines is a vlforge::Error naming it. index.bin and
// meta.json are written last, so a folder with meta.json holds a complete index. `progress` is
// called now and then with the input bytes read so far.
VLFORGE_API ConversationIndexCounts build_conversation_index(const ConversationIndexOptions& options,
                                                             const Tokenizer& tokenizer, const ImageCodec& codec,
                                                             const std::function<void(int64_t bytes)>& progress = {});

struct ConversationIndexMeta {
  int64_t count = 0;
  int64_t image_tokens = 0;
  int64_t image_token_id = -1;
  int64_t max_length = 0;
  std::string tokenizer;
};

// One sample of the index, as its file holds it.
struct IndexedConversation {
  std::string id;
  std::vector<int64_t> ids;        // one image_token_id per image
  std::vector<uint8_t> loss_mask;  // aligned with ids
  std::vector<std::filesystem::path> images;  // resolved when indexed, in reading order
};

// An index folder opened for reading: meta.json read, index.bin memory-mapped. Safe to read
// from several threads.
class VLFORGE_API ConversationIndex {
 public:
  // Throws vlforge::Error naming the file when the folder holds no complete, undamaged index.
  explicit ConversationIndex(std::filesystem::path dir);
  ~ConversationIndex();
  ConversationIndex(const ConversationIndex&) = delete;
  ConversationIndex& operator=(const ConversationIndex&) = delete;

  const ConversationIndexMeta& meta() const { return meta_; }
  const std::filesystem::path& dir() const { return dir_; }
  int64_t size() const { return meta_.count; }
  int64_t length(int64_t sample) const;  // tokens, placeholders expanded
  int64_t images(int64_t sample) const;
  bool has_image(int64_t sample) const { return images(sample) > 0; }
  // samples/NNNNNN/NNNNNNNNN.bin: sample / 1000 names the folder.
  std::filesystem::path sample_path(int64_t sample) const;
  // Reads and checks the sample's file; throws vlforge::Error naming it when it is damaged.
  IndexedConversation read(int64_t sample) const;

 private:
  std::filesystem::path dir_;
  ConversationIndexMeta meta_;
  const unsigned char* records_ = nullptr;  // into the mapping
  void* mapping_ = nullptr;
  size_t mapped_bytes_ = 0;
};

// ---- the loader ----

struct ConversationLoaderOptions {
  std::filesystem::path index;  // an index folder; every rank passes the same
  int rank = 0;
  int world_size = 1;
  uint64_t seed = 0;
  int64_t samples_per_batch = 1;  // micro-batch rows per rank
  int64_t image_tokens = 0;       // 0: the index's; otherwise it must match
  int64_t image_token_id = -1;    // -1: the index's; otherwise it must match
  int64_t pad_token_id = 0;
  int64_t max_length = 0;         // 0: the index's; longer samples are left out of every epoch
  // Micro-batches of similar lengths (less padding): the shuffled samples are cut into groups of
  // group_size (rounded up to a multiple of samples_per_batch), each sorted longest first and cut
  // into micro-batches, and the micro-batches shuffled.
  bool group_by_length = true;
  int64_t group_size = 1024;
  ImagePreprocess preprocess;  // the vision encoder's input size, mean and std
  ResizeMode resize = ResizeMode::stretch;
  int workers = 2;             // background threads preparing batches
  int64_t prefetch = 4;        // micro-batches prepared ahead
};

class VLFORGE_API ConversationLoader final : public BatchStream {
 public:
  // Opens the index; throws vlforge::Error when it is missing or damaged or its meta contradicts
  // the options.
  ConversationLoader(ConversationLoaderOptions options, std::shared_ptr<const ImageCodec> codec);
  ~ConversationLoader() override;

  const ConversationIndexMeta& meta() const;
  int64_t samples() const;  // samples in every epoch's order (within max_length)

  void set_epoch(int64_t epoch) override;
  bool next(TrainBatch& out) override;
  int64_t size_hint() const override;     // micro-batches per rank per epoch
  std::string position() const override;  // {"epoch": E, "microbatches": G}, G over all ranks
  void restore(std::string_view position) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vlforge
