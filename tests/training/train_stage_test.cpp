// stage/train with trainer/fsdp through the executable, one process: pre-training lowers the
// held-out caption loss, the outputs are whole, and a diverging run stops with a clear message.
#include <gtest/gtest.h>

#include <fstream>
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
