#include "train_stage.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "heldout_loss.hpp"
#include "model_manifest.hpp"
#include "vlforge/atomic_file.hpp"
#include "vlforge/context.hpp"
#include "vlforge/conversation_data.hpp"
#include "vlforge/error.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/language_model.hpp"
#include "vlforge/interfaces/projector.hpp"
#include "vlforge/interfaces/trainer.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"
#include "vlforge/multimodal_model.hpp"
#include "vlforge/packed_loader.hpp"
#include "vlforge/packed_shard.hpp"
#include "vlforge/safetensors.hpp"

namespace vlforge::training {

namespace fs = std::filesystem;

namespace {

// A stage name (its packed.txt, or its packed/ folder) or a folder of .vlpack files.
std::vector<fs::path> packed_shards(Context& ctx, const std::string& source, const std::string& key) {
  const fs::path stage = ctx.stage_dir(source);
  if (fs::exists(stage / "packed.txt")) {
    std::vector<fs::path> out;
    std::ifstream in(stage / "packed.txt");
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.emplace_back(line);
    return out;
  }
  const fs::path dir = fs::is_directory(stage / "packed") ? stage / "packed" : fs::path(source);
  std::vector<fs::path> out;
  if (fs::is_directory(dir))
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().extension() == ".vlpack") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  if (out.empty())
    throw Error(key + " = \"" + source + "\"",
                "no packed shards there (expected a stage/pack stage of this run or a folder of .vlpack files)");
  return out;
}

// A train stage of this run (its model/ folder) or a model folder.
fs::path model_folder(Context& ctx, const std::string& init) {
  const fs::path stage = ctx.stage_dir(init) / "model";
  if (fs::is_directory(stage)) return stage;
  if (fs::is_directory(init)) return init;
  throw Error("init = \"" + init + "\"", "neither a finished train stage of this run nor a model folder");
}

PackedLoaderOptions loader_options(const TrainStageConfig& cfg, Context& ctx, std::vector<fs::path> shards,
                                   const VisionEncoder& vision, const LanguageModel& lm) {
  PackedLoaderOptions o;
  o.shards = std::move(shards);
  o.rank = ctx.rank();
  o.world_size = ctx.world_size();
  o.seed = ctx.seed();
  o.sequences_per_batch = cfg.micro_batch;
  o.isolate_documents = lm.packed_attention() == PackedAttention::isolated;
  o.preprocess = vision.preprocess();
  o.workers = static_cast<int>(cfg.workers);
  return o;
}

// A conversation-index stage of this run or an index folder.
fs::path conversation_index(Context& ctx, const std::string& source) {
  const fs::path stage = ctx.stage_dir(source);
  if (fs::exists(stage / "meta.json")) return stage;
  if (fs::exists(fs::path(source) / "meta.json")) return source;
  throw Error("conversations = \"" + source + "\"",
              "no conversation index there (expected a stage/conversation-index stage of this run or its folder)");
}

// The training data and what the model must know about it.
struct TrainingData {
  std::unique_ptr<BatchStream> stream;
  int64_t image_token_id = -1;
  int64_t image_tokens = 0;
  std::string source;  // for messages
};

TrainingData packed_data(const TrainStageConfig& cfg, Context& ctx, const VisionEncoder& vision,
                         const LanguageModel& lm, const std::shared_ptr<const ImageCodec>& codec) {
  std::vector<fs::path> shards = packed_shards(ctx, cfg.packed, "packed");
  const PackedShardMeta meta = PackedShardReader(shards.front()).meta();
  TrainingData d;
  d.image_token_id = meta.image_token_id;
  d.image_tokens = meta.image_tokens;
  d.source = shards.front().string();
  d.stream = std::make_unique<PackedDataLoader>(loader_options(cfg, ctx, std::move(shards), vision, lm), codec);
  return d;
}

TrainingData conversation_data(const TrainStageConfig& cfg, Context& ctx, const VisionEncoder& vision,
                               const std::shared_ptr<const ImageCodec>& codec) {
  ConversationLoaderOptions o;
  o.index = conversation_index(ctx, cfg.conversations);
  o.rank = ctx.rank();
  o.world_size = ctx.world_size();
  o.seed = ctx.seed();
  o.samples_per_batch = cfg.micro_batch;
  o.group_by_length = cfg.group_by_length;
  o.preprocess = vision.preprocess();
  o.workers = static_cast<int>(cfg.workers);
  auto loader = std::make_unique<ConversationLoader>(o, codec);
  TrainingData d;
  d.image_token_id = loader->meta().image_token_id;
  d.image_tokens = loader->meta().image_tokens;
  d.source = o.index.string();
  d.stream = std::move(loader);
  return d;
}

int64_t accumulation(const TrainStageConfig& cfg, const Context& ctx) {
  const int64_t per_pass = cfg.micro_batch * ctx.world_size();
  if (cfg.global_batch % per_pass != 0)
    throw Error("stage '" + ctx.stage() + "'",
                "global_batch " + std::to_string(cfg.global_batch) + " is not a multiple of micro_batch x ranks = " +
                    std::to_string(cfg.micro_batch) + " x " + std::to_string(ctx.world_size()));
  return cfg.global_batch / per_pass;
}

void write_report(const fs::path& file, const TrainSummary& summary, const HeldoutLoss* before, const HeldoutLoss* after) {
  nlohmann::json report = {{"steps", summary.steps}, {"tokens", summary.tokens}, {"final_loss", summary.final_loss}};
  if (before) report["heldout_loss_before"] = before->mean;
  if (after) {
    report["heldout_loss_after"] = after->mean;
    report["heldout_tokens"] = after->tokens;
  }
  write_file_atomically(file, report.dump(2) + "\n");
}

}  // namespace

Schema<TrainStageConfig> train_stage_schema() {
  Schema<TrainStageConfig> s(
      "Trains a multimodal model (vision encoder + projector + language model) with a trainer: pre-training on "
      "packed caption shards (`packed`), or SFT on indexed conversations (`conversations`). The encoder is "
      "frozen unless train_vision. Resumes from its last checkpoint on a rerun; writes the final model (every "
      "parameter, Hugging Face LLaVA names) to model/ and train_report.json.");
  s.field("vision", &TrainStageConfig::vision, "the vision encoder").kind("vision_encoder").required();
  s.field("projector", &TrainStageConfig::projector, "the projector").kind("projector").required();
  s.field("language_model", &TrainStageConfig::language_model, "the language model").kind("language_model").required();
  s.field("trainer", &TrainStageConfig::trainer, "the optimisation loop").kind("trainer");
  s.field("image_codec", &TrainStageConfig::image_codec, "decodes the images of the data").kind("image_codec");
  s.field("tokenizer", &TrainStageConfig::tokenizer,
          "the tokenizer the data was made with; recorded with the model (model/model.toml) so that `vlforge "
          "chat`, `serve` and `export` need only the model folder")
      .kind("tokenizer")
      .optional();
  s.field("packed", &TrainStageConfig::packed,
          "pre-training data: the name of a stage/pack stage of this run, or a folder of .vlpack shards");
  s.field("conversations", &TrainStageConfig::conversations,
          "SFT data: the name of a stage/conversation-index stage of this run, or its folder");
  s.field("heldout", &TrainStageConfig::heldout,
          "held-out packed shards (stage name or folder) whose loss is measured before and after training");
  s.field("heldout_batches", &TrainStageConfig::heldout_batches, "micro-batches of the held-out loss").min(1);
  s.field("init", &TrainStageConfig::init,
          "start from the weights of a train stage of this run (its model/) or of a model folder");
  s.field("image_tokens", &TrainStageConfig::image_tokens, "tokens per image; 0: what the data was built with").min(0);
  s.field("global_batch", &TrainStageConfig::global_batch, "sequences per optimizer step, over all ranks").min(1);
  s.field("micro_batch", &TrainStageConfig::micro_batch, "sequences per forward pass on one rank").min(1);
  s.field("train_vision", &TrainStageConfig::train_vision, "train the vision encoder");
  s.field("train_projector", &TrainStageConfig::train_projector, "train the projector");
  s.field("train_language_model", &TrainStageConfig::train_language_model, "train the language model");
  s.field("workers", &TrainStageConfig::workers, "threads preparing batches").min(1);
  s.field("group_by_length", &TrainStageConfig::group_by_length, "SFT: micro-batches of similar lengths");
  return s;
}

void TrainStage::run(Context& ctx) {
  if (cfg_.packed.empty() == cfg_.conversations.empty())
    throw Error("stage '" + ctx.stage() + "'", "set exactly one of `packed` (pre-training) and `conversations` (SFT)");
  const auto vision = ctx.create<VisionEncoder>(cfg_.vision);
  const auto projector = ctx.create<Projector>(cfg_.projector);
  const auto lm = ctx.create<LanguageModel>(cfg_.language_model);
  const auto trainer = ctx.create<Trainer>(cfg_.trainer);
  const std::shared_ptr<const ImageCodec> codec = ctx.create<ImageCodec>(cfg_.image_codec);

  TrainingData data = cfg_.packed.empty() ? conversation_data(cfg_, ctx, *vision, codec)
                                           : packed_data(cfg_, ctx, *vision, *lm, codec);
  if (cfg_.image_tokens != 0 && cfg_.image_tokens != data.image_tokens)
    throw Error("stage '" + ctx.stage() + "'", "image_tokens = " + std::to_string(cfg_.image_tokens) + ", but " +
                                                   data.source + " was made with " + std::to_string(data.image_tokens));
  MultimodalOptions options;
  options.image_token_id = data.image_token_id;
  options.image_tokens = data.image_tokens;
  options.train_vision = cfg_.train_vision;
  options.train_projector = cfg_.train_projector;
  options.train_language_model = cfg_.train_language_model;
  MultimodalModel model(vision, projector, lm, options);
  if (!cfg_.init.empty()) {
    const fs::path from = model_folder(ctx, cfg_.init);
    Checkpoint::open(from).load_into(model.all_named_parameters());
    ctx.log().info("initialised from ", from.string());
  }
  vision->to_device(ctx.device());
  projector->to_device(ctx.device());
  lm->to_device(ctx.device());
  vision->set_training(cfg_.train_vision);
  projector->set_training(cfg_.train_projector);
  lm->set_training(cfg_.train_language_model);

  std::unique_ptr<PackedDataLoader> heldout;
  HeldoutLoss before;
  const bool fresh = !fs::exists(ctx.work_dir() / "checkpoints");
  if (!cfg_.heldout.empty() && ctx.is_main_rank()) {
    PackedLoaderOptions o = loader_options(cfg_, ctx, packed_shards(ctx, cfg_.heldout, "heldout"), *vision, *lm);
    o.rank = 0;
    o.world_size = 1;
    heldout = std::make_unique<PackedDataLoader>(o, codec);
    if (fresh) {
      before = heldout_loss(model, *heldout, cfg_.heldout_batches);
      ctx.log().info("held-out loss before training: ", before.mean, " over ", before.tokens, " tokens");
    }
  }

  TrainPlan plan;
  plan.name = ctx.stage();
  plan.accumulation = accumulation(cfg_, ctx);
  plan.samples_per_step = cfg_.global_batch;
  const TrainSummary summary = trainer->fit(model, *data.stream, plan, ctx);

  if (ctx.is_main_rank()) {
    HeldoutLoss after;
    if (heldout) {
      after = heldout_loss(model, *heldout, cfg_.heldout_batches);
      ctx.log().info("held-out loss after training: ", after.mean, fresh ? " (before: " + std::to_string(before.mean) + ")" : "");
    }
    save_checkpoint(ctx.work_dir() / "model", model.all_named_parameters());
    write_model_manifest(ctx.work_dir() / "model" / "model.toml",
                         {cfg_.vision, cfg_.projector, cfg_.language_model, cfg_.tokenizer, cfg_.image_codec,
                          data.image_token_id, data.image_tokens});
    write_report(ctx.work_dir() / "train_report.json", summary, heldout && fresh ? &before : nullptr,
                 heldout ? &after : nullptr);
  }
  ctx.sync().barrier("model saved");
  ctx.log().info("trained ", summary.steps, " steps, ", summary.tokens, " tokens, final loss ", summary.final_loss);
}

}  // namespace vlforge::training
