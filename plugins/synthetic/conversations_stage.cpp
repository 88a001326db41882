#include "conversations_stage.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <unordered_set>
#include <vector>

#include "ppm_encoder.hpp"
#include "scene.hpp"
#include "scene_question.hpp"
#include "shape_renderer.hpp"
#include "splitmix64.hpp"
#include "text_only_exchange.hpp"
#include "vlforge/atomic_file.hpp"
#include "vlforge/context.hpp"
#include "vlforge/error.hpp"
#include "vlforge/hash.hpp"

namespace vlforge::synthetic {

namespace fs = std::filesystem;
using ordered_json = nlohmann::ordered_json;

namespace {

// Streams of their own (see stream()), apart from dataset/synthetic's 1..5: these scenes are not
// the pre-training world's, and adding a purpose never shifts the others.
enum Purpose : uint64_t { kTrainPlan = 16, kTrainScene = 17, kTrainTurns = 18, kTextOnly = 19, kEvalScene = 20,
                          kEvalQuestion = 21 };

constexpr size_t kMaxTurns = 3;
constexpr size_t kMaxTextOnlyTurns = 2;
// Closed questions only: an open-ended answer cannot be scored by exact match.
constexpr std::array<QuestionKind, 4> kEvalKinds{QuestionKind::background, QuestionKind::count, QuestionKind::colour,
                                                 QuestionKind::shape};
// Draws of an eval scene until one fits its question (a third of scenes have a single shape) and
// renders unlike every train image; failing 64 times in a row has odds below 1e-11.
constexpr int kEvalAttempts = 64;
constexpr std::string_view kImagePlaceholder = "<image>\n";

std::string padded(int64_t value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08lld", static_cast<long long>(value));
  return buf;
}

// `n` distinct indices below `size`, in random order (a partial Fisher-Yates shuffle).
std::vector<size_t> pick(size_t size, size_t n, SplitMix64& rng) {
  std::vector<size_t> all(size);
  std::iota(all.begin(), all.end(), size_t{0});
  for (size_t i = 0; i < n; ++i) std::swap(all[i], all[i + rng.below(size - i)]);
  all.resize(n);
  return all;
}

ordered_json turn(std::string_view from, std::string_view value) {
  return ordered_json{{"from", from}, {"value", value}};
}

void write_bytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw Error(path.string(), "cannot write");
}

// Readers never see half a file: it appears under its name only once complete.
uint64_t content_hash(const std::vector<uint8_t>& bytes) {
  return StableHash().add(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())).value();
}

}  // namespace

Schema<ConversationsStageConfig> conversations_stage_schema() {
  Schema<ConversationsStageConfig> s(
      "Writes supervised fine-tuning data from the synthetic world into the stage's folder: images/NNNNNNNN.ppm, "
      "train.json (LLaVA-style conversations of 1-3 question/answer turns per image: background colour, number of "
      "shapes, colour and kind of a single shape, or the caption; a fraction of text-only conversations) and "
      "eval.jsonl (held-out images, one closed question each, the four closed kinds in equal shares, with the "
      "answer and every valid choice, for exact-match scoring against chance), and the same questions as "
      "eval_vizwiz.json in VizWiz-VQA's layout for evaluator/vqa (format = \"vizwiz\"). Sample i depends only on (seed, i). Runs on rank 0.");
  s.field("samples", &ConversationsStageConfig::samples, "training conversations in train.json").min(1);
  s.field("eval_samples", &ConversationsStageConfig::eval_samples, "held-out questions in eval.jsonl").min(0);
  s.field("image_size", &ConversationsStageConfig::image_size, "side of the square images, in pixels").range(8, 512);
  s.field("seed", &ConversationsStageConfig::seed, "seed of the data; -1: the run's seed").min(-1);
  s.field("text_only_fraction", &ConversationsStageConfig::text_only_fraction,
          "probability that a training conversation has no image (a question about words and numbers)")
      .range(0, 1);
  return s;
}

void ConversationsStage::run(Context& ctx) {
  if (ctx.is_main_rank()) write(ctx);
  ctx.sync().barrier("synthetic conversations written");
}

void ConversationsStage::write(Context& ctx) const {
  const uint64_t seed = cfg_.seed >= 0 ? static_cast<uint64_t>(cfg_.seed) : ctx.seed();
  const int size = static_cast<int>(cfg_.image_size);
  const fs::path images = ctx.work_dir() / "images";
  // Images of an earlier attempt with other settings must not linger among these.
  fs::remove_all(images);
  fs::create_directories(images);
  Progress bar = ctx.progress("conversations", cfg_.samples + cfg_.eval_samples, "samples");

  ordered_json train = ordered_json::array();
  std::unordered_set<uint64_t> train_images;
  int64_t text_only = 0, turns = 0;
  for (int64_t i = 0; i < cfg_.samples; ++i) {
    const auto index = static_cast<uint64_t>(i);
    const std::string id = padded(i);
    ordered_json sample{{"id", id}};
    ordered_json conversation = ordered_json::array();
    SplitMix64 plan = stream(seed, index, kTrainPlan);
    if (plan.unit() < cfg_.text_only_fraction) {
      ++text_only;
      const auto& exchanges = text_only_exchanges();
      SplitMix64 rng = stream(seed, index, kTextOnly);
      for (size_t k : pick(exchanges.size(), 1 + rng.below(kMaxTextOnlyTurns), rng)) {
        conversation.push_back(turn("human", exchanges[k].question));
        conversation.push_back(turn("gpt", exchanges[k].answer));
      }
    } else {
      SplitMix64 scene_rng = stream(seed, index, kTrainScene);
      const Scene scene = random_scene(scene_rng);
      const std::vector<uint8_t> ppm = encode_ppm(render(scene, size), size, size);
      const std::string image = "images/" + id + ".ppm";
      write_bytes(ctx.work_dir() / image, ppm);
      train_images.insert(content_hash(ppm));
      sample["image"] = image;

      const std::vector<QuestionKind> kinds = question_kinds_for(scene);
      SplitMix64 rng = stream(seed, index, kTrainTurns);
      const size_t count = 1 + rng.below(std::min(kMaxTurns, kinds.size()));
      for (size_t k : pick(kinds.size(), count, rng)) {
        const SceneQuestion q = ask(kinds[k], scene);
        // LLaVA's convention: the image placeholder opens the first human turn.
        const std::string prefix = conversation.empty() ? std::string(kImagePlaceholder) : std::string();
        conversation.push_back(turn("human", prefix + std::string(q.question)));
        conversation.push_back(turn("gpt", q.answer));
      }
    }
    turns += static_cast<int64_t>(conversation.size() / 2);
    sample["conversations"] = std::move(conversation);
    train.push_back(std::move(sample));
    bar.advance(1);
  }

  std::string eval;
  // The same questions in VizWiz-VQA's layout (a list naming each image), which evaluator/vqa
  // reads: every annotator gave the answer, the kind stands in the answer_type.
  ordered_json vizwiz = ordered_json::array();
  for (int64_t j = 0; j < cfg_.eval_samples; ++j) {
    const auto index = static_cast<uint64_t>(j);
    // Numbered after the train samples, so one folder holds every image under a distinct name.
    const std::string id = padded(cfg_.samples + j);
    // Kinds come in equal shares, so that each has enough questions to score on its own.
    SplitMix64 question_rng = stream(seed, index, kEvalQuestion);
    const QuestionKind kind = kEvalKinds[question_rng.below(kEvalKinds.size())];
    SplitMix64 scene_rng = stream(seed, index, kEvalScene);
    Scene scene;
    std::vector<uint8_t> ppm;
    for (int attempt = 0;; ++attempt) {
      if (attempt == kEvalAttempts)
        throw Error("stage/synthetic-conversations", "eval sample " + std::to_string(j) + ": no scene in " +
                                                         std::to_string(kEvalAttempts) + " draws fits a '" +
                                                         std::string(question_kind_name(kind)) +
                                                         "' question and renders unlike every train image "
                                                         "(use a larger image_size)");
      scene = random_scene(scene_rng);
      const std::vector<QuestionKind> fitting = question_kinds_for(scene);
      if (std::find(fitting.begin(), fitting.end(), kind) == fitting.end()) continue;
      ppm = encode_ppm(render(scene, size), size, size);
      if (!train_images.contains(content_hash(ppm))) break;
    }
    const std::string image = "images/" + id + ".ppm";
    write_bytes(ctx.work_dir() / image, ppm);
    const SceneQuestion q = ask(kind, scene);
    ordered_json line{{"id", id}, {"image", image}, {"question", q.question}, {"answer", q.answer},
                      {"choices", ordered_json::array()}, {"kind", question_kind_name(q.kind)}};
    for (std::string_view choice : q.choices) line["choices"].push_back(choice);
    eval += line.dump() + "\n";
    ordered_json answers = ordered_json::array();
    for (int a = 0; a < 10; ++a) answers.push_back({{"answer", q.answer}, {"answer_confidence", "yes"}});
    vizwiz.push_back({{"image", image}, {"question", q.question}, {"answers", std::move(answers)}, {"answerable", 1},
                      {"answer_type", question_kind_name(q.kind)}});
    bar.advance(1);
  }
  bar.finish();

  write_file_atomically(ctx.work_dir() / "train.json", train.dump(1) + "\n");
  write_file_atomically(ctx.work_dir() / "eval.jsonl", eval);
  write_file_atomically(ctx.work_dir() / "eval_vizwiz.json", vizwiz.dump(1) + "\n");
  ctx.log().info("wrote ", cfg_.samples, " conversations (", text_only, " text-only, ", turns, " turns) and ",
                 cfg_.eval_samples, " eval questions, seed ", seed);
}

}  // namespace vlforge::synthetic
