// scorer/mlm-filter on the tiny Open-Qwen2VL-style composition of the fixtures (siglip-tiny
// vision, mm-composition's avgpool-mlp projector with 4 tokens, qwen2-tiny; random weights, so the
// answers are arbitrary) with a byte-level tokenizer over the 1000 ids. Everything the scorer
// computes is recomputed here on its own: the prompt ids (from the text the prompt test checks
// against the reference), "generated" as MultimodalModel::generate's greedy answer to one sample
// at a time, and "expected" from one full forward per candidate answer without a KV cache, which
// cross-checks the cached trie of the scorer.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>
#include <vector>

#include "byte_tokenizer.hpp"
#include "component_factory.hpp"
#include "mlm_filter_prompt.hpp"
#include "score_parser.hpp"
#include "test_paths.hpp"
#include "vlforge/generation.hpp"
#include "vlforge/image_pixels.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/scorer.hpp"
#include "vlforge/multimodal_model.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

using mlm_filter::Metric;

constexpr int64_t kImageTokens = 4;    // siglip-tiny's 8x8 patches pooled to 2x2
constexpr int64_t kPlaceholder = 1000;  // outside the 1000-id vocabulary
constexpr int64_t kImEnd = 995;         // <|im_end|>, the eos

ComponentMaker& maker() {
  static ComponentMaker m;
  return m;
}

// A folder per test: ctest may run them at the same time.
std::string test_name() {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "-" + info->name();
}

// A component's table, written as top-level keys or inline.
struct Table {
  std::vector<std::string> lines;
  std::string top_level() const {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
  std::string inline_table() const {
    std::string out = "{ ";
    for (size_t i = 0; i < lines.size(); ++i) out += (i ? ", " : "") + lines[i];
    return out + " }";
  }
};

struct Composition {
  fs::path tokenizer_file = write_byte_tokenizer(fresh_dir("scorers/" + test_name()));
  const fs::path fixtures = hf_fixtures_dir();

  Table vision() const {
    return {{"use = \"vision_encoder/siglip\"", "checkpoint = '" + (fixtures / "siglip-tiny" / "vision").string() + "'",
             "select_layer = -2"}};
  }
  Table projector() const {
    return {{"use = \"projector/avgpool-mlp\"",
             "checkpoint = '" + (fixtures / "mm-composition" / "projector.safetensors").string() + "'", "tokens = 4"}};
  }
  Table language_model() const {
    return {{"use = \"language_model/qwen2\"", "checkpoint = '" + (fixtures / "qwen2-tiny" / "model").string() + "'"}};
  }
  Table tokenizer() const {
    return {{"use = \"tokenizer/hf-bpe\"", "file = '" + tokenizer_file.string() + "'", "eos_token = \"<|im_end|>\"",
             "pad_token = \"<|pad|>\""}};
  }
  std::shared_ptr<Scorer> scorer(const std::string& settings) const {
    return maker().make<Scorer>("use = \"scorer/mlm-filter\"\nvision = " + vision().inline_table() +
                                "\nprojector = " + projector().inline_table() +
                                "\nlanguage_model = " + language_model().inline_table() +
                                "\ntokenizer = " + tokenizer().inline_table() + "\n" + settings);
  }
};

// The same model, made and run by the test.
struct Reference {
  explicit Reference(const Composition& c)
      : tokenizer(maker().make<Tokenizer>(c.tokenizer().top_level())),
        codec(maker().make<ImageCodec>("use = \"image_codec/opencv\"")) {
    MultimodalOptions options;
    options.image_token_id = kPlaceholder;
    options.image_tokens = kImageTokens;
    options.train_vision = options.train_projector = options.train_language_model = false;
    model = std::make_unique<MultimodalModel>(maker().make<VisionEncoder>(c.vision().top_level()),
                                              maker().make<Projector>(c.projector().top_level()),
                                              maker().make<LanguageModel>(c.language_model().top_level()), options);
  }

  // The text before the image, the image's tokens, the text after it, then the id(s) of " ",
  // each part encoded on its own as the reference does.
  at::Tensor prompt_ids(Metric metric, const std::string& caption) const {
    const mlm_filter::PromptText text = mlm_filter::prompt_text(metric, caption);
    std::vector<int64_t> ids = tokenizer->encode(text.before_image);
    ids.insert(ids.end(), static_cast<size_t>(kImageTokens), kPlaceholder);
    for (const std::string& part : {text.after_image, std::string(" ")}) {
      const std::vector<int64_t> more = tokenizer->encode(part);
      ids.insert(ids.end(), more.begin(), more.end());
    }
    return torch::tensor(ids, torch::kLong).unsqueeze(0);
  }
  at::Tensor pixels(const Sample& s) const {
    return image_pixels(*codec, s.image, model->vision().preprocess(), ResizeMode::stretch).unsqueeze(0);
  }

  std::shared_ptr<Tokenizer> tokenizer;
  std::shared_ptr<ImageCodec> codec;
  std::unique_ptr<MultimodalModel> model;
};

const std::vector<std::string> kCaptions = {"a cat", "a red ball on a wooden table", "two dogs playing in the snow",
                                            "x", "sunset over the sea", "blue square"};

std::vector<Sample> samples(const ImageCodec& codec) {
  torch::manual_seed(5);
  std::vector<Sample> out;
  for (size_t i = 0; i < kCaptions.size(); ++i) {
    Sample s;
    s.key = "sample" + std::to_string(i);
    s.uid = std::to_string(i);
    s.text = kCaptions[i];
    const int64_t h = 30 + 11 * static_cast<int64_t>(i), w = 90 - 9 * static_cast<int64_t>(i);
    s.image = codec.encode(torch::randint(0, 256, {h, w, 3}, torch::kByte), "png");
    out.push_back(std::move(s));
  }
  return out;
}

bool same_score(double got, double want) { return std::isnan(want) ? std::isnan(got) : got == want; }

TEST(MlmFilter, GeneratedScoreIsTheGreedyAnswerToTheSamePrompt) {
  const Composition c;
  Reference ref(c);
  const std::vector<Sample> batch = samples(*ref.codec);
  GenerationConfig greedy;
  greedy.max_new_tokens = 4;
  greedy.stop_token_ids = {kImEnd};
  greedy.stop_strings = {"\n"};
  int readable = 0;
  for (const Metric metric : {Metric::image_text_matching, Metric::caption_text_quality}) {
    const auto scorer = c.scorer("metric = \"" + std::string(mlm_filter::metric_name(metric)) + "\"\nbatch_size = 4");
    EXPECT_EQ(scorer->score_name(), mlm_filter::default_score_name(metric));
    EXPECT_TRUE(scorer->extra_fields().empty());
    const std::vector<ScoreRow> rows = scorer->score(batch);  // chunks of 4 and 2, left-padded
    ASSERT_EQ(rows.size(), batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      MultimodalInput prompt;
      prompt.input_ids = ref.prompt_ids(metric, batch[i].text);
      prompt.pixel_values = ref.pixels(batch[i]);
      const GenerationOutput out = ref.model->generate(prompt, greedy, detokenizer(*ref.tokenizer));
      const std::string answer = ref.tokenizer->decode(out.new_tokens[0], true);
      const std::optional<int> value = mlm_filter::parse_score(answer);
      const double want = value ? *value : std::nan("");
      EXPECT_TRUE(same_score(rows[i].score, want))
          << mlm_filter::metric_name(metric) << " " << batch[i].key << ": scored " << rows[i].score << ", answer \""
          << answer << "\"";
      readable += value.has_value();
    }
  }
  // The random model answers with a number for some prompts, so both paths were compared.
  EXPECT_GT(readable, 0);
  EXPECT_LT(readable, 2 * static_cast<int>(batch.size()));
}

// P(v) = the probabilities of v's tokens after the prompt, times that of a next token that does
// not start with a digit; one forward of prompt + v per candidate, no cache.
TEST(MlmFilter, ExpectedScoreMatchesOneFullForwardPerCandidate) {
  const Composition c;
  Reference ref(c);
  const std::vector<Sample> all = samples(*ref.codec);
  const std::vector<Sample> batch(all.begin(), all.begin() + 2);  // ~1000-token prompts, 101 forwards each
  const auto scorer = c.scorer("metric = \"image_text_matching\"\nscore = \"expected\"\nbatch_size = 2");
  EXPECT_EQ(scorer->extra_fields(), std::vector<std::string>{"mlm_itm_mass"});
  const std::vector<ScoreRow> rows = scorer->score(batch);
  ASSERT_EQ(rows.size(), batch.size());

  LanguageModel& lm = ref.model->language_model();
  std::vector<int64_t> stops;  // ids whose text does not start with a digit
  for (int64_t id = 0; id < lm.shape().vocab_size; ++id) {
    const std::string text = ref.tokenizer->decode(std::vector<int64_t>{id});
    if (text.empty() || text[0] < '0' || text[0] > '9') stops.push_back(id);
  }
  const at::Tensor stop = torch::tensor(stops, torch::kLong);
  EXPECT_EQ(lm.shape().vocab_size - stop.size(0), 10 + 100);  // the digit bytes and the pairs "00".."99"

  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < batch.size(); ++i) {
    const at::Tensor prompt = ref.model->embed(ref.prompt_ids(Metric::image_text_matching, batch[i].text),
                                               ref.model->encode_images(ref.pixels(batch[i])));
    const int64_t length = prompt.size(1);
    std::vector<double> logp;
    for (int value = 0; value <= 100; ++value) {
      const std::vector<int64_t> answer = ref.tokenizer->encode(std::to_string(value));
      const at::Tensor ids = torch::tensor(answer, torch::kLong).unsqueeze(0);
      LanguageModelInput in;
      in.inputs_embeds = at::cat({prompt, lm.embed(ids)}, 1);
      in.position_ids = torch::arange(in.inputs_embeds.size(1), torch::kLong).unsqueeze(0);
      const at::Tensor next = lm.forward(in).logits[0].to(at::kDouble).log_softmax(-1);  // [T + k, vocab]
      double sum = 0.0;
      for (size_t j = 0; j < answer.size(); ++j)
        sum += next[length - 1 + static_cast<int64_t>(j)][answer[j]].item<double>();
      sum += next[length - 1 + static_cast<int64_t>(answer.size())].index_select(0, stop).logsumexp(0).item<double>();
      logp.push_back(sum);
    }
    const at::Tensor lp = torch::tensor(logp, torch::kDouble);
    const double mass = lp.logsumexp(0).exp().item<double>();
    const double expected = ((lp - lp.logsumexp(0)).exp() * torch::arange(101, torch::kDouble)).sum().item<double>();
    EXPECT_NEAR(rows[i].score, expected, 2e-5) << batch[i].key;
    ASSERT_EQ(rows[i].extras.size(), 1u);
    EXPECT_NEAR(rows[i].extras[0], mass, 1e-5 * mass) << batch[i].key;
  }
  // Rows of different prompt lengths share the batch (left padding) and still differ.
  EXPECT_NE(rows[0].score, rows[1].score);
}

TEST(MlmFilter, UnscorableSamplesAreNaNAndTheOthersUnchanged) {
  const Composition c;
  Reference ref(c);
  std::vector<Sample> batch = samples(*ref.codec);
  batch.resize(4);
  const std::string settings = "metric = \"image_text_matching\"\nscore = \"expected\"\nmax_prompt_tokens = 1100";
  const std::vector<ScoreRow> clean = c.scorer(settings)->score(batch);

  batch[1].image = {'n', 'o', 'p', 'e'};
  batch[2].text = std::string(200, 'w');  // about 1200 prompt tokens
  std::vector<ScoreRow> rows;
  ASSERT_NO_THROW(rows = c.scorer(settings)->score(batch));
  for (size_t i : {1, 2}) {
    EXPECT_TRUE(std::isnan(rows[i].score)) << batch[i].key;
    ASSERT_EQ(rows[i].extras.size(), 1u);
    EXPECT_TRUE(std::isnan(rows[i].extras[0])) << batch[i].key;
  }
  for (size_t i : {0, 3}) {
    EXPECT_FALSE(std::isnan(rows[i].score)) << batch[i].key;
    EXPECT_NEAR(rows[i].score, clean[i].score, 1e-4) << batch[i].key;
  }
}

}  // namespace
}  // namespace vlforge::test
