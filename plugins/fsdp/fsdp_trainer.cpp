#include "fsdp_trainer.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "adamw.hpp"
#include "checkpoint_store.hpp"
#include "collectives.hpp"
#include "flat_unit.hpp"
#include "lr_schedule.hpp"
#include "stop_signal.hpp"
#include "vlforge/atomic_file.hpp"
#include "vlforge/error.hpp"
#include "vlforge/safetensors.hpp"
#include "vlforge/tensorboard_writer.hpp"

namespace vlforge::fsdp {

namespace fs = std::filesystem;

namespace {

constexpr const char* kState = "trainer_state.json";

std::string hex_of(const at::Tensor& bytes) {
  static const char* digits = "0123456789abcdef";
  const at::Tensor b = bytes.contiguous();
  const auto* p = b.data_ptr<uint8_t>();
  std::string out;
  for (int64_t i = 0; i < b.numel(); ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 15]);
  }
  return out;
}

at::Tensor bytes_of(const std::string& hex) {
  at::Tensor out = at::empty({static_cast<int64_t>(hex.size() / 2)}, at::kByte);
  auto* p = out.data_ptr<uint8_t>();
  for (size_t i = 0; i + 1 < hex.size(); i += 2) p[i / 2] = static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

std::string cpu_rng_state() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return hex_of(gen.get_state());
}

void set_cpu_rng_state(const std::string& hex) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(bytes_of(hex));
}

at::ScalarType compute_dtype(const std::string& precision, const std::string& device) {
  if (precision == "bf16") return at::kBFloat16;
  if (precision == "fp32") return at::kFloat;
  return device == "cpu" ? at::kFloat : at::kBFloat16;
}

// Dense bf16 peak of the devices vlforge knows; 0 (no MFU) otherwise.
double known_peak_tflops(const std::string& device) { return device == "cpu" ? 0.0 : 989.0; }

// The counts of a step, summed over ranks in one all-reduce.
struct StepCounts {
  double loss_tokens = 0, tokens = 0, image_tokens = 0, cells = 0, flops = 0, stop = 0;
};

// The state of one fit(): the loop reads top to bottom in run().
class Training {
 public:
  Training(const FsdpConfig& cfg, LossModel& model, BatchStream& data, const TrainPlan& plan, Context& ctx)
      : cfg_(cfg),
        model_(model),
        data_(data),
        plan_(plan),
        ctx_(ctx),
        comm_(ctx, ctx.stage().empty() ? plan.name : ctx.stage(), std::chrono::seconds(cfg.timeout_seconds)),
        strategy_(parse_strategy(cfg.strategy)),
        dtype_(compute_dtype(cfg.precision, ctx.device())),
        store_(ctx.work_dir() / "checkpoints", cfg.keep_last) {}

  TrainSummary run();

 private:
  void build_units();
  int64_t plan_steps();
  void resume(const fs::path& checkpoint);
  std::vector<TrainBatch> take_micro_batches();
  StepCounts sum_counts(const std::vector<TrainBatch>& batches);
  double train_step(const std::vector<TrainBatch>& batches, const StepCounts& counts, double& grad_norm);
  void save_checkpoint();
  void log_step(double loss, double grad_norm, double lr, const StepCounts& counts, double seconds);
  void report_memory();
  // Every unit's full owned tensor (one of master, exp_avg, exp_avg_sq) by parameter name.
  std::vector<NamedTensor> gather_named(const std::function<at::Tensor&(size_t)>& owned);
  [[noreturn]] void fail(const std::string& what) const;

  const FsdpConfig& cfg_;
  LossModel& model_;
  BatchStream& data_;
  const TrainPlan& plan_;
  Context& ctx_;
  Collectives comm_;
  Strategy strategy_;
  at::ScalarType dtype_;
  CheckpointStore store_;
  std::vector<FlatUnit> units_;
  std::unique_ptr<AdamW> optimizer_;
  std::unique_ptr<LrSchedule> schedule_;
  StopSignal stop_;
  std::unique_ptr<TensorBoardWriter> tensorboard_;  // rank 0

  int64_t step_ = 0, epoch_ = 0, tokens_seen_ = 0, total_steps_ = 0, last_saved_ = -1;
  double last_loss_ = 0.0;
  double peak_flops_ = 0.0;
};

[[noreturn]] void Training::fail(const std::string& what) const {
  throw Error("stage '" + (ctx_.stage().empty() ? plan_.name : ctx_.stage()) + "', step " + std::to_string(step_ + 1),
              what);
}

void Training::build_units() {
  if (cfg_.recompute && !model_.set_recompute(true))
    throw Error("trainer/fsdp", "recompute = true, but a trained component of the model cannot recompute its blocks");
  const std::vector<NamedTensor> params = model_.named_parameters();
  if (params.empty()) throw Error("trainer/fsdp", "the model has no trainable parameters (is everything frozen?)");
  units_.reserve(params.size());
  for (auto& [name, group] : partition_units(params))
    units_.emplace_back(name, std::move(group), strategy_, dtype_, comm_.rank(), comm_.world_size());
  optimizer_ = std::make_unique<AdamW>(units_, AdamWOptions{cfg_.weight_decay, cfg_.beta1, cfg_.beta2, cfg_.eps});
  int64_t count = 0;
  for (const auto& p : params) count += p.second.numel();
  ctx_.log().info("trainer/fsdp: ", cfg_.strategy, ", ", at::toString(dtype_), ", ", comm_.world_size(), " rank(s), ",
                  units_.size(), " flat units, ", count, " trainable parameters");
}

int64_t Training::plan_steps() {
  if (plan_.accumulation < 1) throw Error("trainer/fsdp", "accumulation " + std::to_string(plan_.accumulation) + " (expected >= 1)");
  const int64_t per_epoch = data_.size_hint() < 0 ? -1 : data_.size_hint() / plan_.accumulation;
  if (cfg_.max_steps > 0) return cfg_.max_steps;
  if (per_epoch < 0) throw Error("trainer/fsdp", "the data does not say its length: set max_steps");
  if (per_epoch == 0)
    throw Error("trainer/fsdp", "one epoch has " + std::to_string(data_.size_hint()) +
                                    " micro-batches per rank, fewer than one step needs (" +
                                    std::to_string(plan_.accumulation) + "): lower the global batch or add data");
  return per_epoch * cfg_.epochs;
}

std::vector<TrainBatch> Training::take_micro_batches() {
  std::vector<TrainBatch> out;
  while (static_cast<int64_t>(out.size()) < plan_.accumulation) {
    TrainBatch b;
    if (data_.next(b)) {
      out.push_back(std::move(b));
      continue;
    }
    // An epoch ends: the step that was being filled starts over in the next epoch.
    ++epoch_;
    out.clear();
    if (epoch_ >= cfg_.epochs && cfg_.max_steps <= 0) break;
    data_.set_epoch(epoch_);
  }
  return out;
}

StepCounts Training::sum_counts(const std::vector<TrainBatch>& batches) {
  StepCounts c;
  for (const TrainBatch& b : batches) {
    c.loss_tokens += static_cast<double>(b.loss_tokens);
    c.tokens += static_cast<double>(b.tokens);
    c.image_tokens += static_cast<double>(b.image_tokens);
    const auto ids = b.tensors.find("input_ids");
    c.cells += ids == b.tensors.end() ? 0.0 : static_cast<double>(ids->second.numel());
    c.flops += model_.flops(b);
  }
  c.stop = stop_.received() != 0 ? 1.0 : 0.0;
  at::Tensor v = at::tensor({c.loss_tokens, c.tokens, c.image_tokens, c.cells, c.flops, c.stop}, at::kDouble);
  comm_.all_reduce_sum(v, "step counts");
  const auto* p = v.data_ptr<double>();
  return {p[0], p[1], p[2], p[3], p[4], p[5]};
}

// Forward and backward of every micro-batch, reduced gradients, clipping and the update.
// Returns the step's loss (mean over the global batch's loss tokens).
double Training::train_step(const std::vector<TrainBatch>& batches, const StepCounts& counts, double& grad_norm) {
  for (FlatUnit& u : units_) u.start_step();
  const double scale = 1.0 / std::max(counts.loss_tokens, 1.0);
  double local_loss = 0.0;
  for (size_t k = 0; k < batches.size(); ++k) {
    for (FlatUnit& u : units_) u.gather(comm_);
    for (FlatUnit& u : units_) u.prepare_backward();
    const at::Tensor loss_sum = model_.loss_sum(batches[k]);
    local_loss += loss_sum.item<double>();
    torch::autograd::backward({loss_sum * scale});
    const bool last = k + 1 == batches.size();
    for (FlatUnit& u : units_) u.finish_backward(comm_, last);
    for (FlatUnit& u : units_) u.release();
  }

  // Sharded gradients: each rank's squares of its slice add up to the global norm.
  double local_sq = 0.0;
  for (FlatUnit& u : units_) local_sq += u.gradient().to(at::kDouble).pow(2).sum().item<double>();
  at::Tensor sums = at::tensor({local_loss, strategy_ == Strategy::no_shard ? 0.0 : local_sq}, at::kDouble);
  comm_.all_reduce_sum(sums, "loss and gradient norm");
  const double loss = sums[0].item<double>() * scale;
  grad_norm = std::sqrt(strategy_ == Strategy::no_shard ? local_sq : sums[1].item<double>());
  if (!std::isfinite(loss) || !std::isfinite(grad_norm)) return loss;  // the caller stops before any update

  if (cfg_.grad_clip > 0.0) {
    const double coef = cfg_.grad_clip / (grad_norm + 1e-6);
    if (coef < 1.0)
      for (FlatUnit& u : units_) u.gradient().mul_(coef);
  }
  const double lr = schedule_->at(step_ + 1);
  optimizer_->step(lr, step_ + 1);
  for (FlatUnit& u : units_) u.publish(comm_);
  return loss;
}

std::vector<NamedTensor> Training::gather_named(const std::function<at::Tensor&(size_t)>& owned) {
  std::vector<NamedTensor> out;
  for (size_t i = 0; i < units_.size(); ++i) {
    FlatUnit& u = units_[i];
    at::Tensor full;
    if (strategy_ == Strategy::no_shard) {
      full = owned(i);
    } else {
      full = at::empty({u.padded_numel()}, owned(i).options());
      comm_.all_gather(owned(i), full, "gather " + u.name() + " for a checkpoint");
    }
    if (comm_.rank() != 0) continue;
    for (const FlatParameter& p : u.parameters())
      out.emplace_back(p.name, full.narrow(0, p.offset, p.numel).view(p.tensor.sizes()).clone());
  }
  return out;
}

void Training::save_checkpoint() {
  const auto params = gather_named([&](size_t i) -> at::Tensor& { return units_[i].master(); });
  auto moments = gather_named([&](size_t i) -> at::Tensor& { return optimizer_->exp_avg()[i]; });
  const auto second = gather_named([&](size_t i) -> at::Tensor& { return optimizer_->exp_avg_sq()[i]; });
  for (auto& m : moments) m.first += ".exp_avg";
  for (const auto& [name, t] : second) moments.emplace_back(name + ".exp_avg_sq", t);
  const std::vector<std::string> rng = ctx_.sync().all_gather("checkpoint rng", cpu_rng_state());
  if (comm_.rank() == 0) {
    const fs::path tmp = store_.begin(step_);
    vlforge::save_checkpoint(tmp / "model", params);
    vlforge::save_checkpoint(tmp / "optimizer", moments);
    const nlohmann::json state = {{"step", step_},
                                  {"epoch", epoch_},
                                  {"tokens_seen", tokens_seen_},
                                  {"loss", last_loss_},
                                  {"total_steps", total_steps_},
                                  {"world_size", comm_.world_size()},
                                  {"strategy", cfg_.strategy},
                                  {"data_position", nlohmann::json::parse(data_.position())},
                                  {"rng", rng}};
    std::ofstream(tmp / kState) << state.dump(2) << "\n";
    const fs::path done = store_.commit(tmp, step_);
    ctx_.log().info("checkpoint ", done.string());
  }
  last_saved_ = step_;
  ctx_.sync().barrier("checkpoint written");
}

void Training::resume(const fs::path& checkpoint) {
  CheckpointStore::verify(checkpoint);
  nlohmann::json state;
  try {
    state = nlohmann::json::parse(std::ifstream(checkpoint / kState));
  } catch (const nlohmann::json::exception& e) {
    throw Error((checkpoint / kState).string(), std::string("not JSON: ") + e.what());
  }
  const Checkpoint weights = Checkpoint::open(checkpoint / "model");
  const Checkpoint moments = Checkpoint::open(checkpoint / "optimizer");
  at::NoGradGuard no_grad;
  // Every rank reads the whole tensors and keeps its own slice: any number of ranks can resume.
  const auto fill = [&](FlatUnit& u, at::Tensor& owned, const Checkpoint& from, const std::string& suffix) {
    at::Tensor full = at::zeros({u.padded_numel()}, at::kFloat);
    for (const FlatParameter& p : u.parameters())
      full.narrow(0, p.offset, p.numel).copy_(from.get(p.name + suffix, at::kFloat, p.tensor.sizes().vec()).reshape(-1));
    owned.copy_(full.narrow(0, u.owned_offset(), u.owned_numel()));
  };
  for (size_t i = 0; i < units_.size(); ++i) {
    FlatUnit& u = units_[i];
    fill(u, u.master(), weights, "");
    fill(u, optimizer_->exp_avg()[i], moments, ".exp_avg");
    fill(u, optimizer_->exp_avg_sq()[i], moments, ".exp_avg_sq");
    u.publish(comm_);
  }
  step_ = state.at("step").get<int64_t>();
  epoch_ = state.at("epoch").get<int64_t>();
  tokens_seen_ = state.at("tokens_seen").get<int64_t>();
  last_loss_ = state.at("loss").get<double>();
  last_saved_ = step_;
  data_.restore(state.at("data_position").dump());
  const auto rng = state.at("rng").get<std::vector<std::string>>();
  const int saved_world = state.at("world_size").get<int>();
  if (saved_world == comm_.world_size()) {
    set_cpu_rng_state(rng.at(static_cast<size_t>(comm_.rank())));
  } else {
    set_cpu_rng_state(rng.front());
    ctx_.log().warn("resuming a ", saved_world, "-rank run on ", comm_.world_size(),
                    " rank(s): parameters, optimizer and data re-sharded; every rank takes rank 0's random state");
  }
  ctx_.log().info("resuming from ", checkpoint.string(), ": step ", step_, " of ", total_steps_, ", epoch ", epoch_,
                  ", ", tokens_seen_, " tokens seen");
}

void Training::report_memory() {
  int64_t params = 0, grads = 0;
  for (const FlatUnit& u : units_) {
    params += u.parameter_bytes();
    grads += u.gradient_bytes();
  }
  const int64_t optimizer = optimizer_->state_bytes();
  const double mib = 1024.0 * 1024.0;
  ctx_.log().info("trainer/fsdp: per-rank state ", params / mib, " MiB parameters + ", grads / mib,
                  " MiB gradients + ", optimizer / mib, " MiB optimizer = ", (params + grads + optimizer) / mib,
                  " MiB (", cfg_.strategy, ", ", comm_.world_size(), " rank(s))");
  if (ctx_.is_main_rank()) {
    const nlohmann::json report = {{"strategy", cfg_.strategy},      {"world_size", comm_.world_size()},
                                   {"parameter_bytes", params},      {"gradient_bytes", grads},
                                   {"optimizer_bytes", optimizer},   {"total_bytes", params + grads + optimizer}};
    write_file_atomically(ctx_.work_dir() / "memory.json", report.dump(2) + "\n");
  }
}

void Training::log_step(double loss, double grad_norm, double lr, const StepCounts& c, double seconds) {
  std::vector<std::pair<std::string, double>> values = {
      {"loss", loss},
      {"lr", lr},
      {"grad_norm", grad_norm},
      {"epoch", static_cast<double>(epoch_)},
      {"tokens_per_s", c.tokens / seconds},
      {"step_seconds", seconds},
      {"tokens_text", c.tokens - c.image_tokens},
      {"tokens_image", c.image_tokens},
      {"tokens_padding", c.cells - c.tokens},
      {"tokens_loss", c.loss_tokens},
      {"tokens_seen", static_cast<double>(tokens_seen_)},
      {"flops", c.flops},
  };
  if (peak_flops_ > 0.0) values.emplace_back("mfu", c.flops / seconds / (peak_flops_ * comm_.world_size()));
  ctx_.metrics().write(step_, values);
  if (tensorboard_) tensorboard_->add_scalars(step_, values);
}

TrainSummary Training::run() {
  build_units();
  total_steps_ = plan_steps();
  const int64_t warmup = cfg_.warmup_steps >= 0
                             ? cfg_.warmup_steps
                             : static_cast<int64_t>(std::ceil(cfg_.warmup_ratio * static_cast<double>(total_steps_)));
  schedule_ = std::make_unique<LrSchedule>(cfg_.lr, cfg_.schedule, warmup, total_steps_, cfg_.min_lr_ratio);
  peak_flops_ = (cfg_.peak_tflops > 0.0 ? cfg_.peak_tflops : known_peak_tflops(ctx_.device())) * 1e12;

  if (ctx_.is_main_rank()) {
    store_.remove_incomplete();
    // One event file per attempt: a resumed run adds its own next to the first one's.
    tensorboard_ = std::make_unique<TensorBoardWriter>(ctx_.work_dir() / "tensorboard", "." + std::to_string(::getpid()));
  }
  const std::vector<std::string> found =
      ctx_.sync().all_gather("latest checkpoint", ctx_.is_main_rank() ? store_.latest().value_or("").string() : "");
  if (!found.front().empty())
    resume(found.front());
  else
    data_.set_epoch(0);

  Progress bar = ctx_.progress(plan_.name.empty() ? "train" : plan_.name, total_steps_, "steps");
  bar.advance(step_);
  bool reported = false;
  while (step_ < total_steps_) {
    const auto started = std::chrono::steady_clock::now();
    const std::vector<TrainBatch> batches = take_micro_batches();
    if (batches.empty()) break;
    const StepCounts counts = sum_counts(batches);
    if (counts.stop > 0) {
      if (last_saved_ != step_) save_checkpoint();
      throw Error("stage '" + ctx_.stage() + "'", "stopped by a signal after step " + std::to_string(step_) +
                                                    "; checkpoint " + CheckpointStore::folder_name(step_) +
                                                    " holds it (rerun the recipe to resume)");
    }
    double grad_norm = 0.0;
    const double lr = schedule_->at(step_ + 1);
    const double loss = train_step(batches, counts, grad_norm);
    if (!std::isfinite(loss) || !std::isfinite(grad_norm)) {
      const auto kept = store_.latest();
      fail("the loss is " + std::to_string(loss) + " and the gradient norm " + std::to_string(grad_norm) +
           "; stopped before the update (last good checkpoint: " + (kept ? kept->string() : std::string("none")) +
           "; lower lr or check the data)");
    }
    ++step_;
    tokens_seen_ += static_cast<int64_t>(counts.tokens);
    last_loss_ = loss;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    log_step(loss, grad_norm, lr, counts, seconds);
    if (!reported) {
      report_memory();
      reported = true;
    }
    bar.advance();
    if (cfg_.checkpoint_every > 0 && step_ % cfg_.checkpoint_every == 0) save_checkpoint();
  }
  bar.finish();
  if (last_saved_ != step_) save_checkpoint();
  // The model leaves fit() whole, whatever the strategy: stages save and evaluate it next.
  for (FlatUnit& u : units_) u.gather(comm_);
  return TrainSummary{step_, tokens_seen_, last_loss_};
}

}  // namespace

TrainSummary FsdpTrainer::fit(LossModel& model, BatchStream& data, const TrainPlan& plan, Context& ctx) {
  Training training(config_, model, data, plan, ctx);
  return training.run();
}

}  // namespace vlforge::fsdp
