// The packed-data loader: reads packed shards (packed_shard.hpp) as training micro-batches, the
// BatchStream a trainer consumes.
//
// Order is a function of (seed, epoch) only, never of the number of ranks: every sequence of
// every shard is shuffled into one global order, cut into micro-batches of sequences_per_batch
// rows, and global micro-batch g goes to rank g % world_size. So a global batch holds the same
// sequences on 1 rank or on 8, and a run resumes on another number of ranks; every rank yields
// the same number of micro-batches (the remainder waits for the next epoch's shuffle). Background
// threads read sequences and decode, resize and normalise their images ahead of the trainer.
// position() is the epoch and the number of global micro-batches taken; restore() continues
// exactly there, so a resumed run sees the batches an uninterrupted one would have.
//
// A micro-batch (TrainBatch::tensors), B = sequences_per_batch rows of meta.context tokens:
//   input_ids      [B, T] int64, placeholders expanded to image_tokens each, padded with pad_token_id
//   labels         [B, T] int64, kIgnoreIndex on image tokens, each document's loss_from prefix and padding
//   attention_mask [B, T] int64, 1 = token, 0 = padding
//   position_ids   [B, T] int64, restarting at 0 for each document (isolated), or running on (shared)
//   document_ids   [B, T] int64, 0, 1, ... per document of a row, -1 on padding (isolated only)
//   pixel_values   [I, 3, S, S] float32, every image of the batch in reading order (absent: none)
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vlforge/export.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/trainer.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"

namespace vlforge {

struct PackedLoaderOptions {
  std::vector<std::filesystem::path> shards;  // every rank passes the same full list
  int rank = 0;
  int world_size = 1;
  uint64_t seed = 0;
  int64_t sequences_per_batch = 1;
  bool isolate_documents = true;  // false: documents attend to each other, positions run on (the reference)
  int64_t pad_token_id = 0;
  ImagePreprocess preprocess;      // the vision encoder's input size, mean and std
  ResizeMode resize = ResizeMode::stretch;
  int workers = 2;                 // background threads preparing batches
  int64_t prefetch = 4;            // micro-batches prepared ahead
};

class VLFORGE_API PackedDataLoader final : public BatchStream {
 public:
  // Opens every shard's index (not its data); throws vlforge::Error on a damaged shard or on
  // shards whose meta (context, image tokens, placeholder, tokenizer) differ.
  PackedDataLoader(PackedLoaderOptions options, std::shared_ptr<const ImageCodec> codec);
  ~PackedDataLoader() override;

  void set_epoch(int64_t epoch) override;
  bool next(TrainBatch& out) override;
  int64_t size_hint() const override;  // micro-batches per rank per epoch
  std::string position() const override;  // {"epoch": E, "microbatches": G}, G over all ranks
  void restore(std::string_view position) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vlforge
