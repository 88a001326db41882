// vlforge::TensorBoardWriter: per-step scalar metrics as a TensorBoard event file, so that
// `tensorboard --logdir <run>` plots a run's loss and learning rate while it trains. A trainer
// (rank 0) keeps one next to its metrics.jsonl (metrics_sink.hpp); no Python or protobuf library
// is involved.
//
// The file is `events.out.tfevents.<unix seconds>.<hostname><suffix>` in `log_dir`, in TFRecord
// framing (each record: uint64 length, masked CRC-32C of the length, the bytes, masked CRC-32C of
// the bytes). The first record is an Event with file_version "brain.Event:2"; each add_scalars()
// appends one Event {wall_time, step, summary {value {tag, simple_value}...}} and flushes it, so
// a run that is killed keeps every step it logged. Values are stored as float, as TensorBoard's
// simple_value is.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vlforge/export.hpp"

namespace vlforge {

class VLFORGE_API TensorBoardWriter {
 public:
  // Creates `log_dir` if missing and the event file in it; throws vlforge::Error naming the file
  // when it cannot be created or already exists (`suffix` tells apart writers started in the same
  // second on one host).
  explicit TensorBoardWriter(std::filesystem::path log_dir, std::string suffix = "");
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  // One event at `step` holding every (tag, value) pair; `wall_time` in seconds since the epoch.
  // Throws vlforge::Error naming the file when the write fails.
  void add_scalars(int64_t step, const std::vector<std::pair<std::string, double>>& values,
                   double wall_time = now());
  void flush();
  const std::filesystem::path& file() const noexcept { return file_; }

  // Seconds since the epoch, with sub-second precision (an event's wall_time).
  static double now();

 private:
  void write_record(const std::string& data);

  std::filesystem::path file_;
  struct Stream;
  std::unique_ptr<Stream> stream_;
};

}  // namespace vlforge
