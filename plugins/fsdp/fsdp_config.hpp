// The typed config of trainer/fsdp and its schema: the recipe's `trainer = { use = "trainer/fsdp", ... }`.
#pragma once

#include <cstdint>
#include <string>

#include "vlforge/schema.hpp"

namespace vlforge::fsdp {

struct FsdpConfig {
  std::string strategy = "full_shard";  // no_shard (DDP) | shard_grad_op (ZeRO-2) | full_shard (ZeRO-3)
  std::string precision = "auto";       // auto: bf16 on GPU, fp32 on CPU
  std::string backend = "auto";         // auto: nccl on GPU, gloo on CPU
  double lr = 5e-5;
  double weight_decay = 0.01;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double grad_clip = 1.0;
  std::string schedule = "cosine";  // cosine | linear | constant
  double warmup_ratio = 0.03;
  int64_t warmup_steps = -1;  // overrides warmup_ratio when >= 0
  double min_lr_ratio = 0.0;
  int64_t epochs = 1;
  int64_t max_steps = -1;
  int64_t checkpoint_every = 0;  // steps; 0: only at the end and on a signal
  int64_t keep_last = 2;
  double peak_tflops = 0.0;  // per device, for MFU; 0: the known peak of the device, none on CPU
  int64_t timeout_seconds = 600;
  bool recompute = false;
};

inline Schema<FsdpConfig> fsdp_schema() {
  Schema<FsdpConfig> s(
      "Sharded data-parallel trainer on PyTorch's c10d (Gloo on CPU, NCCL on GPU): parameters of each "
      "transformer block in one flat buffer, sharded over ranks; AdamW with decay on weight matrices only, "
      "warmup then cosine or linear decay, global-norm clipping, gradient accumulation to the global batch; "
      "sharded checkpoints with exact resume (also on another number of ranks), metrics to JSONL and "
      "TensorBoard.");
  s.field("strategy", &FsdpConfig::strategy,
          "no_shard: every rank holds everything, gradients all-reduced (DDP); shard_grad_op: gradients and "
          "optimizer state sharded (ZeRO-2); full_shard: parameters sharded too and all-gathered for use (ZeRO-3)")
      .choices({"no_shard", "shard_grad_op", "full_shard"});
  s.field("precision", &FsdpConfig::precision,
          "compute precision: bf16 keeps float32 master weights and optimizer state; auto is bf16 on GPU, "
          "fp32 on CPU")
      .choices({"auto", "fp32", "bf16"});
  s.field("backend", &FsdpConfig::backend, "c10d backend; auto is nccl on GPU, gloo on CPU")
      .choices({"auto", "gloo", "nccl"});
  s.field("lr", &FsdpConfig::lr, "peak learning rate").min(0);
  s.field("weight_decay", &FsdpConfig::weight_decay, "AdamW decoupled weight decay, on weight matrices only").min(0);
  s.field("beta1", &FsdpConfig::beta1, "AdamW beta1").range(0, 1);
  s.field("beta2", &FsdpConfig::beta2, "AdamW beta2").range(0, 1);
  s.field("eps", &FsdpConfig::eps, "AdamW epsilon").min(0);
  s.field("grad_clip", &FsdpConfig::grad_clip, "global gradient-norm clip over all shards; 0: none").min(0);
  s.field("schedule", &FsdpConfig::schedule, "learning-rate decay after warmup").choices({"cosine", "linear", "constant"});
  s.field("warmup_ratio", &FsdpConfig::warmup_ratio, "fraction of the steps spent warming up linearly").range(0, 1);
  s.field("warmup_steps", &FsdpConfig::warmup_steps, "warmup steps; -1: from warmup_ratio").min(-1);
  s.field("min_lr_ratio", &FsdpConfig::min_lr_ratio, "learning rate at the end of the decay, as a fraction of lr")
      .range(0, 1);
  s.field("epochs", &FsdpConfig::epochs, "passes over the data").min(1);
  s.field("max_steps", &FsdpConfig::max_steps, "optimizer steps; -1: epochs x steps per epoch").min(-1);
  s.field("checkpoint_every", &FsdpConfig::checkpoint_every,
          "write a checkpoint every this many steps; 0: only at the end (and on SIGTERM/SIGINT)")
      .min(0);
  s.field("keep_last", &FsdpConfig::keep_last, "checkpoints kept; older ones are deleted").min(1);
  s.field("peak_tflops", &FsdpConfig::peak_tflops,
          "peak dense TFLOP/s of one device in the compute precision, for MFU; 0: the device's known peak "
          "(H100/H200 bf16: 989), no MFU on CPU")
      .min(0);
  s.field("recompute", &FsdpConfig::recompute,
          "activation recomputation: keep only each transformer block's input and run the block again in "
          "the backward pass (less memory, about a third more compute)");
  s.field("timeout_seconds", &FsdpConfig::timeout_seconds,
          "a collective that waits longer than this for the other ranks fails the run (a rank died or hangs)")
      .min(1);
  return s;
}

}  // namespace vlforge::fsdp
