// trainer/fsdp on two ranks (Gloo, `vlforge launch --nproc 2`): for every strategy, the same
// per-step losses and final parameters as one process on the same global batch; full_shard's
// per-rank state is half of no_shard's; a killed run resumes exactly, also on another number of
// ranks.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "process.hpp"
#include "test_paths.hpp"
#include "training_world.hpp"
#include "vlforge/safetensors.hpp"

namespace vlforge::test {
namespace {

namespace fs = std::filesystem;

constexpr int kSteps = 20;

struct Runs {
  fs::path one, two;  // the stage folders
};

fs::path run_recipe(const fs::path& dir, const std::string& name, const TrainingWorld& world, const std::string& trainer,
                    int ranks) {
  const fs::path recipe = dir / (name + ".toml");
  write_text(recipe, training_recipe(dir / name, world, trainer));
  std::vector<std::string> args{kVlforge};
  if (ranks > 1) args.insert(args.end(), {"launch", "--nproc", std::to_string(ranks), "--"});
  args.insert(args.end(), {"run", recipe.string()});
  const auto r = run_command(args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return dir / name / "pretrain";
}

void expect_same_losses(const std::map<int64_t, double>& a, const std::map<int64_t, double>& b, double tolerance) {
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [step, loss] : a) {
    ASSERT_TRUE(b.count(step)) << "step " << step;
    EXPECT_LE(std::abs(loss - b.at(step)), tolerance * std::abs(loss)) << "step " << step << ": " << loss << " vs " << b.at(step);
  }
}

// Key biases are the exception: softmax ignores a shift shared by all keys, so their true gradient
// is zero and what they get is rounding noise, which Adam scales up to lr-sized steps of either
// sign in any implementation. They are only checked to stay within the steps' reach.
void expect_same_parameters(const fs::path& a, const fs::path& b, double tolerance, double lr_reach = 0.0) {
  const Checkpoint x = Checkpoint::open(a), y = Checkpoint::open(b);
  ASSERT_EQ(x.names(), y.names());
  for (const std::string& name : x.names()) {
    const at::Tensor u = x.get(name), v = y.get(name);
    if (lr_reach > 0.0 && name.find("k_proj.bias") != std::string::npos) {
      EXPECT_LE((u - v).abs().max().item<double>(), lr_reach) << name;
      continue;
    }
    const double scale = std::max(1.0, u.abs().max().item<double>());
    EXPECT_LE((u - v).abs().max().item<double>(), tolerance * scale) << name;
  }
}

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

class TwoRankTraining : public ::testing::TestWithParam<std::string> {};

TEST_P(TwoRankTraining, MatchesOneProcessOnTheSameGlobalBatch) {
  const std::string strategy = GetParam();
  const fs::path dir = fresh_dir("train_ranks_" + strategy);
  const TrainingWorld world = write_training_world(dir, 3, 8);
  const std::string trainer = "strategy = \"" + strategy + "\", max_steps = " + std::to_string(kSteps) +
                              ", lr = 2e-3, warmup_steps = 2";
  const fs::path one = run_recipe(dir, "one", world, trainer, 1);
  const fs::path two = run_recipe(dir, "two", world, trainer, 2);
  const auto a = step_metric(one / "metrics.jsonl"), b = step_metric(two / "metrics.jsonl");
  ASSERT_EQ(a.size(), static_cast<size_t>(kSteps));
  EXPECT_LT(a.at(kSteps), a.at(1));
  expect_same_losses(a, b, 1e-5);
  expect_same_parameters(one / "model", two / "model", 1e-5, 2 * 2e-3 * kSteps);
  EXPECT_EQ(step_metric(two / "metrics.jsonl", "tokens_seen"), step_metric(one / "metrics.jsonl", "tokens_seen"));
}

INSTANTIATE_TEST_SUITE_P(Strategies, TwoRankTraining, ::testing::Values("no_shard", "shard_grad_op", "full_shard"),
                         [](const auto& info) { return info.param; });

TEST(TwoRankTraining, FullShardHoldsHalfTheStateOfNoShardPerRank) {
  const fs::path dir = fresh_dir("train_ranks_memory");
  const TrainingWorld world = write_training_world(dir, 2, 4);
  std::map<std::string, nlohmann::json> memory;
  for (const std::string strategy : {"no_shard", "shard_grad_op", "full_shard"}) {
    const fs::path stage = run_recipe(dir, strategy, world, "strategy = \"" + strategy + "\", max_steps = 2", 2);
    memory[strategy] = read_json(stage / "memory.json");
    std::cout << strategy << " per rank: " << memory[strategy].dump() << "\n";
  }
  const auto total = [&](const std::string& s) { return memory[s].at("total_bytes").get<double>(); };
  const auto part = [&](const std::string& s, const char* k) { return memory[s].at(k).get<double>(); };
  EXPECT_NEAR(total("full_shard") / total("no_shard"), 0.5, 0.02);
  EXPECT_NEAR(part("full_shard", "parameter_bytes") / part("no_shard", "parameter_bytes"), 0.5, 0.02);
  // ZeRO-2 keeps the parameters whole and shards the rest.
  EXPECT_EQ(part("shard_grad_op", "parameter_bytes"), part("no_shard", "parameter_bytes"));
  EXPECT_NEAR(part("shard_grad_op", "optimizer_bytes") / part("no_shard", "optimizer_bytes"), 0.5, 0.02);
}

// Starts a run in the background, SIGKILLs it once checkpoint `step` is on disk, and reports how
// many steps it had logged.
size_t kill_after_checkpoint(const std::vector<std::string>& args, const fs::path& stage, int step,
                             const fs::path& log) {
  BackgroundProcess run(args, log);
  const fs::path marker = stage / "checkpoints" / ("step-000000" + std::to_string(step));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(marker) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  run.kill_hard();
  return step_metric(stage / "metrics.jsonl").size();
}

constexpr int kLongSteps = 60;

std::string long_trainer(const std::string& strategy) {
  return "strategy = \"" + strategy + "\", max_steps = " + std::to_string(kLongSteps) +
         ", lr = 2e-3, warmup_steps = 2, checkpoint_every = 10, keep_last = 2";
}

TEST(ResumedTraining, AKilledRunResumesBitForBit) {
  const fs::path dir = fresh_dir("train_resume_one");
  const TrainingWorld world = write_training_world(dir, 2, 8);
  const fs::path whole = run_recipe(dir, "whole", world, long_trainer("full_shard"), 1);

  const fs::path recipe = dir / "killed.toml";
  write_text(recipe, training_recipe(dir / "killed", world, long_trainer("full_shard")));
  const fs::path stage = dir / "killed" / "pretrain";
  const size_t logged = kill_after_checkpoint({kVlforge, "run", recipe.string()}, stage, 20, dir / "killed.log");
  ASSERT_LT(logged, static_cast<size_t>(kLongSteps)) << "the run finished before it was killed";
  const auto resumed = run_command({kVlforge, "run", recipe.string()});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming from"), std::string::npos) << resumed.output;
  // Bit for bit: the same doubles, not merely close ones.
  EXPECT_EQ(step_metric(stage / "metrics.jsonl"), step_metric(whole / "metrics.jsonl"));
  expect_same_parameters(stage / "model", whole / "model", 0.0);
}

TEST(ResumedTraining, ATwoRankRunResumesOnOneRank) {
  const fs::path dir = fresh_dir("train_resume_two_to_one");
  const TrainingWorld world = write_training_world(dir, 2, 8);
  const fs::path whole = run_recipe(dir, "whole", world, long_trainer("shard_grad_op"), 2);

  const fs::path recipe = dir / "killed.toml";
  write_text(recipe, training_recipe(dir / "killed", world, long_trainer("shard_grad_op")));
  const fs::path stage = dir / "killed" / "pretrain";
  const size_t logged = kill_after_checkpoint({kVlforge, "launch", "--nproc", "2", "--", "run", recipe.string()}, stage,
                                              20, dir / "killed.log");
  ASSERT_LT(logged, static_cast<size_t>(kLongSteps)) << "the run finished before it was killed";
  const auto resumed = run_command({kVlforge, "run", recipe.string()});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("re-sharded"), std::string::npos) << resumed.output;
  expect_same_losses(step_metric(stage / "metrics.jsonl"), step_metric(whole / "metrics.jsonl"), 1e-5);
  expect_same_parameters(stage / "model", whole / "model", 1e-5, 2 * 2e-3 * kLongSteps);
}

// Two ranks started by hand, as torchrun would: when rank 1 is killed, rank 0 stops within the
// trainer's timeout with a message that says a rank died, instead of hanging.
TEST(TwoRankTraining, ARankThatDiesStopsTheOtherWithAClearMessage) {
  const fs::path dir = fresh_dir("train_rank_dies");
  const TrainingWorld world = write_training_world(dir, 2, 8);
  const fs::path recipe = dir / "dies.toml";
  write_text(recipe, training_recipe(dir / "dies", world,
                                     "strategy = \"full_shard\", max_steps = 100000, checkpoint_every = 10, "
                                     "timeout_seconds = 20"));
  const std::string port = "MASTER_PORT=" + std::to_string(29500 + (::getpid() % 2000));
  const std::vector<std::string> common{"MASTER_ADDR=127.0.0.1", port, "WORLD_SIZE=2"};
  auto env = [&](int rank) {
    auto e = common;
    e.push_back("RANK=" + std::to_string(rank));
    e.push_back("LOCAL_RANK=" + std::to_string(rank));
    return e;
  };
  BackgroundProcess rank0({kVlforge, "run", recipe.string()}, dir / "rank0.log", env(0));
  BackgroundProcess rank1({kVlforge, "run", recipe.string()}, dir / "rank1.log", env(1));
  const fs::path marker = dir / "dies" / "pretrain" / "checkpoints" / "step-00000010";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(marker) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(fs::exists(marker)) << read_text(dir / "rank0.log");
  const auto killed = std::chrono::steady_clock::now();
  rank1.kill_hard();
  const int code = rank0.wait();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  const std::string log = read_text(dir / "rank0.log");
  EXPECT_NE(code, 0) << log;
  EXPECT_LT(seconds, 60.0);
  EXPECT_NE(log.find("another rank died"), std::string::npos) << log;
}

}  // namespace
}  // namespace vlforge::test
