// stage/train with trainer/fsdp through the executable, one process: pre-training lowers the
// held-out caption loss, the outputs are whole, and a diverging run stops with a clear message.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "process.hpp"
#include "test_paths.hpp"
#include "training_world.hpp"
#include "vlforge/safetensors.hpp"

namespace vlforge::test {
namespace {

namespace fs = std::filesystem;

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

TEST(TrainStage, PretrainingLowersTheHeldOutCaptionLoss) {
  const fs::path dir = fresh_dir("train_stage_pretrain");
  const TrainingWorld world = write_training_world(dir, 2, 16);
  const fs::path recipe = dir / "train.toml";
  write_text(recipe, training_recipe(dir / "run", world, "strategy = \"full_shard\", max_steps = 40, lr = 2e-3, warmup_steps = 2"));
  const auto r = run_command({kVlforge, "run", recipe.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const fs::path stage = dir / "run" / "pretrain";
  const auto report = read_json(stage / "train_report.json");
  EXPECT_EQ(report.at("steps").get<int64_t>(), 40);
  const double before = report.at("heldout_loss_before").get<double>();
  const double after = report.at("heldout_loss_after").get<double>();
  EXPECT_LT(after, 0.5 * before) << "held-out loss " << before << " -> " << after;

  const auto losses = step_metric(stage / "metrics.jsonl");
  ASSERT_EQ(losses.size(), 40U);
  EXPECT_LT(losses.at(40), losses.at(1));
  const auto lr = step_metric(stage / "metrics.jsonl", "lr");
  EXPECT_NEAR(lr.at(1), 1e-3, 1e-12);  // warmup: 1 of 2 steps
  EXPECT_NEAR(lr.at(2), 2e-3, 1e-12);
  EXPECT_LT(lr.at(40), 1e-5);  // cosine to zero

  // The final model holds every component's parameters under LLaVA's names, loadable as a checkpoint.
  const Checkpoint model = Checkpoint::open(stage / "model");
  EXPECT_TRUE(model.contains("vision_tower.vision_model.embeddings.patch_embedding.weight"));
  EXPECT_TRUE(model.contains("multi_modal_projector.projector.fc1.weight"));
  EXPECT_TRUE(model.contains("language_model.model.layers.1.mlp.down_proj.weight"));
  EXPECT_TRUE(fs::is_directory(stage / "checkpoints" / "step-00000040"));

  // The same metrics as TensorBoard events: one file, one event per step (a dozen scalars each).
  int files = 0;
  for (const auto& entry : fs::directory_iterator(stage / "tensorboard")) {
    ++files;
    EXPECT_EQ(entry.path().filename().string().rfind("events.out.tfevents.", 0), 0U);
    EXPECT_GT(fs::file_size(entry.path()), 40U * 12U * 10U);
  }
  EXPECT_EQ(files, 1);
}

// Recomputing each block in the backward pass runs the same arithmetic again: same losses.
TEST(TrainStage, ActivationRecomputationGivesTheSameTraining) {
  const fs::path dir = fresh_dir("train_stage_recompute");
  const TrainingWorld world = write_training_world(dir, 2, 8);
  std::map<int64_t, double> losses[2];
  for (int recompute : {0, 1}) {
    const fs::path recipe = dir / ("train" + std::to_string(recompute) + ".toml");
    const fs::path run = dir / ("run" + std::to_string(recompute));
    write_text(recipe, training_recipe(run, world,
                                       "strategy = \"full_shard\", max_steps = 8, lr = 2e-3, warmup_steps = 2, "
                                       "recompute = " + std::string(recompute ? "true" : "false")));
    const auto r = run_command({kVlforge, "run", recipe.string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    losses[recompute] = step_metric(run / "pretrain" / "metrics.jsonl");
  }
  ASSERT_EQ(losses[0].size(), 8U);
  ASSERT_EQ(losses[1].size(), 8U);
  for (const auto& [step, loss] : losses[0]) EXPECT_NEAR(losses[1].at(step), loss, 1e-6 * loss) << "step " << step;
}

TEST(TrainStage, ADivergingRunStopsBeforeTheBadUpdateAndKeepsItsCheckpoint) {
  const fs::path dir = fresh_dir("train_stage_nan");
  const TrainingWorld world = write_training_world(dir, 2, 8);
  const fs::path recipe = dir / "train.toml";
  write_text(recipe, training_recipe(dir / "run", world,
                                     "strategy = \"no_shard\", max_steps = 12, lr = 1e30, grad_clip = 0.0, "
                                     "checkpoint_every = 1, keep_last = 1"));
  const auto r = run_command({kVlforge, "run", recipe.string()});
  ASSERT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("the loss is"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("last good checkpoint"), std::string::npos) << r.output;
  const fs::path checkpoints = dir / "run" / "pretrain" / "checkpoints";
  int kept = 0;
  for (const auto& entry : fs::directory_iterator(checkpoints)) {
    ++kept;
    EXPECT_EQ(entry.path().filename().string().rfind("step-", 0), 0U);
  }
  EXPECT_EQ(kept, 1);
}

}  // namespace
}  // namespace vlforge::test
