// The quickstart recipe end to end (what `make quickstart` runs), in a scratch run folder: the
// kept set equals the one computed here from the score tables, the report adds up, pre-training
// lowers the held-out caption loss, and the fine-tuned model answers questions about new images
// better than chance.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "component_factory.hpp"
#include "file_bytes.hpp"
#include "process.hpp"
#include "test_paths.hpp"
#include "tsv.hpp"
#include "vlforge/image_pixels.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/tokenizer.hpp"
#include "vlforge/multimodal_model.hpp"
#include "vlforge/safetensors.hpp"

namespace fs = std::filesystem;
using namespace vlforge;
using namespace vlforge::test;

namespace {

fs::path run_quickstart() {
  const fs::path run_dir = fresh_dir("quickstart") / "run";
  const auto r = run_command({kVlforge, "run", (kSourceDir / "recipes" / "quickstart.toml").string()},
                             {"VLFORGE_RUN_DIR=" + run_dir.string()}, kSourceDir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return run_dir;
}

// VLFORGE_QUICKSTART_RUN names a finished run to check instead of running one here.
fs::path quickstart_run() {
  return std::getenv("VLFORGE_QUICKSTART_RUN") ? fs::path(std::getenv("VLFORGE_QUICKSTART_RUN")) : run_quickstart();
}

// The quickstart's components, as its recipe configures them, with the fine-tuned weights.
struct FineTuned {
  ComponentMaker maker;
  std::shared_ptr<Tokenizer> tokenizer;
  std::shared_ptr<ImageCodec> codec;
  std::shared_ptr<VisionEncoder> vision;
  std::unique_ptr<MultimodalModel> model;

  explicit FineTuned(const fs::path& model_dir) {
    const std::string assets = (kSourceDir / "recipes" / "assets").string();
    tokenizer = maker.make<Tokenizer>("use = \"tokenizer/hf-bpe\"\nfile = \"" + assets + "/synthetic-bpe/tokenizer.json\"");
    codec = maker.make<ImageCodec>("use = \"image_codec/stb\"");
    vision = maker.make<VisionEncoder>("use = \"vision_encoder/siglip\"\ncheckpoint = \"" + assets +
                                       "/tiny-siglip\"\nweights = false\ninit = \"random\"");
    auto projector = maker.make<Projector>("use = \"projector/avgpool-mlp\"\ninput_dim = 64\noutput_dim = 96\ntokens = 16");
    auto lm = maker.make<LanguageModel>("use = \"language_model/qwen2\"\ncheckpoint = \"" + assets +
                                        "/tiny-qwen2\"\nweights = false\ninit = \"random\"");
    MultimodalOptions options;
    options.image_token_id = tokenizer->vocab_size();
    options.image_tokens = 64;
    model = std::make_unique<MultimodalModel>(vision, projector, lm, options);
    Checkpoint::open(model_dir).load_into(model->all_named_parameters());
  }

  // The greedy answer to `question` about the image at `image`.
  std::string answer(const fs::path& image, const std::string& question) {
    at::NoGradGuard no_grad;
    const std::vector<ChatMessage> messages{{"user", "<image>\n" + question}};
    const std::string prompt = tokenizer->apply_chat_template(messages, true);
    const size_t at = prompt.find("<image>");
    std::vector<int64_t> ids = tokenizer->encode(prompt.substr(0, at));
    ids.push_back(tokenizer->vocab_size());
    for (int64_t id : tokenizer->encode(prompt.substr(at + 7))) ids.push_back(id);
    ids = expand_image_placeholders(ids, tokenizer->vocab_size(), 64);
    MultimodalInput input;
    input.input_ids = at::tensor(ids, at::kLong).unsqueeze(0);
    input.pixel_values =
        image_pixels(*codec, read_bytes(image), vision->preprocess(), ResizeMode::stretch).unsqueeze(0);
    GenerationConfig config;
    config.max_new_tokens = 6;
    config.stop_token_ids = {tokenizer->eos_id()};
    std::vector<int64_t> out = model->generate(input, config).new_tokens.at(0);
    if (!out.empty() && out.back() == tokenizer->eos_id()) out.pop_back();
    return tokenizer->decode(out, true);
  }
};

void expect_curated(const fs::path& run_dir) {
  std::vector<std::string> expected;
  std::set<std::string> seen;
  size_t total = 0;
  for (const auto& shard : read_tsv(run_dir / "score" / "shards.txt", false)) {
    const auto table = read_tsv(run_dir / "score" / "scores" / (shard.at(0) + ".caption_quality.tsv"), true);
    for (const auto& row : table) {
      ++total;
      // quality_and_unique = intersection(threshold >= 50, dedup by uid): dedup sees every record.
      const bool first_time = seen.insert(row.at(0)).second;
      if (std::stod(row.at(1)) >= 50.0 && first_time) expected.push_back(row.at(0));
    }
  }
  EXPECT_EQ(total, 2000u);
  std::vector<std::string> kept;
  for (const auto& row : read_tsv(run_dir / "filter" / "kept.tsv", false)) kept.push_back(row.at(0));
  EXPECT_EQ(kept, expected);

  const auto report = nlohmann::json::parse(read_text(run_dir / "filter" / "report.json"));
  EXPECT_EQ(report.at("total").get<size_t>(), 2000u);
  EXPECT_EQ(report.at("kept").get<size_t>(), kept.size());
  EXPECT_EQ(report.at("dropped").get<size_t>(), 2000u - kept.size());
  // A fifth of the world is noisy and some samples repeat: the filter must remove a real share.
  EXPECT_GT(kept.size(), 1400u);
  EXPECT_LT(kept.size(), 1800u);
}

void expect_pretrained(const fs::path& run_dir) {
  const auto report = nlohmann::json::parse(read_text(run_dir / "pretrain" / "train_report.json"));
  const double before = report.at("heldout_loss_before").get<double>();
  const double after = report.at("heldout_loss_after").get<double>();
  std::cout << "held-out caption loss: " << before << " -> " << after << "\n";
  EXPECT_LT(after, 0.3 * before);
}

void expect_fine_tuned(const fs::path& run_dir) {
  FineTuned model(run_dir / "sft" / "model");
  std::map<std::string, std::pair<int, int>> right;  // kind -> (right, asked)
  std::map<std::string, double> chance;
  std::ifstream in(run_dir / "conversations" / "eval.jsonl");
  for (std::string line; std::getline(in, line);) {
    const auto q = nlohmann::json::parse(line);
    const std::string kind = q.at("kind");
    const std::string answer = model.answer(run_dir / "conversations" / q.at("image").get<std::string>(), q.at("question"));
    if (std::getenv("VLFORGE_TEST_VERBOSE")) std::cout << kind << " [" << answer << "] want [" << q.at("answer").get<std::string>() << "]\n";
    right[kind].first += answer == q.at("answer").get<std::string>() ? 1 : 0;
    right[kind].second += 1;
    chance[kind] = 1.0 / static_cast<double>(q.at("choices").size());
  }
  ASSERT_FALSE(right.empty());
  // Over all questions, against what guessing among each question's choices would score.
  double hits = 0, expected_by_chance = 0, asked = 0;
  for (const auto& [kind, counts] : right) {
    std::cout << kind << ": " << counts.first << "/" << counts.second << " right (chance " << chance[kind] << ")\n";
    hits += counts.first;
    asked += counts.second;
    expected_by_chance += chance[kind] * counts.second;
  }
  std::cout << "overall: " << hits / asked << " right, chance " << expected_by_chance / asked << "\n";
  EXPECT_GT(hits, 2.0 * expected_by_chance);
  // The background fills the image: even a tiny model learns it.
  EXPECT_GT(static_cast<double>(right["background"].first) / right["background"].second, 0.8);
}

}  // namespace

// One test, one run: the stages build on each other, and ctest runs every test in its own process.
TEST(Quickstart, CuratesPretrainsAndFineTunes) {
  const fs::path run_dir = quickstart_run();
  {
    SCOPED_TRACE("curation");
    expect_curated(run_dir);
  }
  {
    SCOPED_TRACE("pre-training");
    expect_pretrained(run_dir);
  }
  {
    SCOPED_TRACE("fine-tuning");
    expect_fine_tuned(run_dir);
  }
}
