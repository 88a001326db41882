// A tiny pre-training world for trainer tests: packed shards whose captions depend on the
// image (a solid colour), for the tiny SigLIP and Qwen2 models of the Hugging Face fixtures,
// and a recipe that trains on them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace vlforge::test {

struct TrainingWorld {
  std::filesystem::path packed;   // folder of .vlpack shards
  std::filesystem::path heldout;  // folder of one held-out shard
};

// `shards` shards of `sequences` sequences, each of two image-caption documents.
TrainingWorld write_training_world(const std::filesystem::path& dir, int shards, int sequences);

// A recipe with one stage/train stage "pretrain" on `world`; `trainer` and `stage` are extra
// `key = value` fields of the trainer table and of the stage.
std::string training_recipe(const std::filesystem::path& run_dir, const TrainingWorld& world,
                            const std::string& trainer, const std::string& stage = "");

// Per step, the last value of `key` metrics.jsonl recorded (a resumed run records some twice).
std::map<int64_t, double> step_metric(const std::filesystem::path& metrics, const std::string& key = "loss");

}  // namespace vlforge::test
