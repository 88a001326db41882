// scorer/clip-score on the tiny SigLIP and CLIP fixtures (both towers joined into a composite
// folder): each score is the cosine of the encoder's own image and text embeddings, computed here
// one sample at a time from the same pixels and from ids laid out as the family's processor does;
// the batch size does not change a score; a sample without a decodable image scores NaN while the
// rest of its batch is scored.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>
#include <vector>

#include "byte_tokenizer.hpp"
#include "component_factory.hpp"
#include "contrastive_checkpoint.hpp"
#include "error_text.hpp"
#include "test_paths.hpp"
#include "vlforge/image_pixels.hpp"
#include "vlforge/interfaces/image_codec.hpp"
#include "vlforge/interfaces/scorer.hpp"
#include "vlforge/interfaces/tokenizer.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

constexpr int64_t kTextLength = 16;  // the tiny text towers' max_position_embeddings
constexpr int64_t kBos = 998, kEos = 999, kPad = 996;

ComponentMaker& maker() {
  static ComponentMaker m;
  return m;
}

// Captions of 1 to 54 byte tokens: most are truncated to the 16-id towers, a few need padding.
const std::vector<std::string> kCaptions = {
    "a cat", "a red ball on a wooden table", "two dogs", "the quick brown fox jumps over the lazy dog",
    "x", "sunset over the sea, with three boats and a lighthouse", "blue square"};

// One family's scorer inputs: the checkpoint, the tokenizer file and the tables that name them.
struct Family {
  std::string family;
  fs::path dir, checkpoint, tokenizer;

  explicit Family(std::string f) : family(std::move(f)) {
    // A folder per test: ctest may run the tests of one family at the same time.
    const auto* test = testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(test->test_suite_name()) + "-" + test->name();
    for (char& ch : name)
      if (ch == '/') ch = '-';
    dir = fresh_dir("scorers/" + name);
    checkpoint = contrastive_checkpoint(family, dir / "model");
    tokenizer = write_byte_tokenizer(dir);
  }
  std::string encoder_table() const {
    return "{ use = \"vision_encoder/" + family + "\", checkpoint = '" + checkpoint.string() + "', text_tower = true }";
  }
  std::string tokenizer_table() const {
    return "{ use = \"tokenizer/hf-bpe\", file = '" + tokenizer.string() +
           "', bos_token = \"<|startoftext|>\", eos_token = \"<|endoftext|>\", pad_token = \"<|pad|>\" }";
  }
  std::shared_ptr<Scorer> scorer(int64_t batch_size) const {
    return maker().make<Scorer>("use = \"scorer/clip-score\"\nencoder = " + encoder_table() +
                                "\ntokenizer = " + tokenizer_table() + "\nmax_text_length = " +
                                std::to_string(kTextLength) + "\nbatch_size = " + std::to_string(batch_size));
  }
};

std::shared_ptr<ImageCodec> codec() {
  static const auto c = maker().make<ImageCodec>("use = \"image_codec/opencv\"");
  return c;
}

// Seven PNGs of different sizes and aspect ratios, random pixels.
std::vector<Sample> samples() {
  torch::manual_seed(3);
  std::vector<Sample> out;
  for (size_t i = 0; i < kCaptions.size(); ++i) {
    const int64_t h = 20 + 13 * static_cast<int64_t>(i), w = 70 - 7 * static_cast<int64_t>(i);
    Sample s;
    s.key = "sample" + std::to_string(i);
    s.uid = std::to_string(i);
    s.text = kCaptions[i];
    s.image = codec()->encode(torch::randint(0, 256, {h, w, 3}, torch::kByte), "png");
    s.image_format = "png";
    out.push_back(std::move(s));
  }
  return out;
}

// The ids as CLIPProcessor / SiglipProcessor lay them out (padding="max_length", truncation=True).
std::pair<at::Tensor, at::Tensor> caption_ids(const std::string& family, const std::vector<int64_t>& text) {
  std::vector<int64_t> ids;
  if (family == "clip") ids.push_back(kBos);
  const size_t room = static_cast<size_t>(kTextLength) - ids.size() - 1;
  ids.insert(ids.end(), text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min(room, text.size())));
  ids.push_back(kEos);
  const auto real = static_cast<int64_t>(ids.size());
  ids.resize(static_cast<size_t>(kTextLength), kPad);
  at::Tensor mask = torch::zeros({1, kTextLength}, torch::kLong);
  mask.narrow(1, 0, real).fill_(1);
  // SigLIP was trained on padded text without a mask; CLIP's processor passes one.
  return {torch::tensor(ids, torch::kLong).unsqueeze(0), family == "clip" ? mask : at::Tensor()};
}

class ClipScore : public testing::TestWithParam<std::string> {};

TEST_P(ClipScore, ScoreIsTheCosineOfTheEncodersEmbeddings) {
  const Family setup(GetParam());
  const auto scorer = setup.scorer(7);
  EXPECT_EQ(scorer->score_name(), "clip_score");
  const std::vector<Sample> batch = samples();
  const std::vector<ScoreRow> rows = scorer->score(batch);
  ASSERT_EQ(rows.size(), batch.size());

  const auto encoder = maker().make<VisionEncoder>("use = \"vision_encoder/" + setup.family + "\"\ncheckpoint = '" +
                                                   setup.checkpoint.string() + "'\ntext_tower = true");
  const auto tokenizer = maker().make<Tokenizer>("use = \"tokenizer/hf-bpe\"\nfile = '" + setup.tokenizer.string() + "'");
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < batch.size(); ++i) {
    const at::Tensor pixels = image_pixels(*codec(), batch[i].image, encoder->preprocess(), ResizeMode::stretch);
    const auto [ids, mask] = caption_ids(setup.family, tokenizer->encode(batch[i].text));
    const at::Tensor image = encoder->image_embeds(pixels.unsqueeze(0));
    const at::Tensor text = encoder->text_embeds(ids, mask);
    const double want = (image / image.norm()).mul(text / text.norm()).sum().item<double>();
    EXPECT_NEAR(rows[i].score, want, 1e-5) << batch[i].key << ": \"" << batch[i].text << "\"";
  }
  // Random towers still give distinct scores: the test would notice rows being mixed up.
  EXPECT_NE(rows[0].score, rows[1].score);
}

TEST_P(ClipScore, BatchSizeDoesNotChangeScores) {
  const Family setup(GetParam());
  const std::vector<Sample> batch = samples();
  const std::vector<ScoreRow> one = setup.scorer(1)->score(batch);
  const std::vector<ScoreRow> seven = setup.scorer(7)->score(batch);
  const std::vector<ScoreRow> three = setup.scorer(3)->score(batch);  // chunks of 3, 3, 1
  ASSERT_EQ(one.size(), batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_NEAR(one[i].score, seven[i].score, 1e-6) << batch[i].key;
    EXPECT_NEAR(three[i].score, seven[i].score, 1e-6) << batch[i].key;
  }
}

TEST_P(ClipScore, UndecodableImageScoresNaNWithoutThrowing) {
  const Family setup(GetParam());
  std::vector<Sample> batch = samples();
  const std::vector<ScoreRow> clean = setup.scorer(7)->score(batch);
  batch[1].image = {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'};
  batch[3].image.resize(batch[3].image.size() / 2);  // a truncated PNG
  batch[5].image.clear();                            // no image at all
  std::vector<ScoreRow> rows;
  ASSERT_NO_THROW(rows = setup.scorer(7)->score(batch));
  ASSERT_EQ(rows.size(), batch.size());
  for (size_t i : {1, 3, 5}) EXPECT_TRUE(std::isnan(rows[i].score)) << batch[i].key;
  for (size_t i : {0, 2, 4, 6}) EXPECT_NEAR(rows[i].score, clean[i].score, 1e-6) << batch[i].key;
}

INSTANTIATE_TEST_SUITE_P(Families, ClipScore, testing::Values("siglip", "clip"),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(ClipScoreConfig, EncoderNeedsItsTextTower) {
  const Family setup("siglip");
  const std::string error = error_of([&] {
    maker().make<Scorer>("use = \"scorer/clip-score\"\nencoder = { use = \"vision_encoder/siglip\", checkpoint = '" +
                         setup.checkpoint.string() + "' }\ntokenizer = " + setup.tokenizer_table());
  });
  EXPECT_NE(error.find("without its text tower (set text_tower = true"), std::string::npos) << error;
}

TEST(ClipScoreConfig, CaptionLongerThanTheTowerIsRefusedByTheTower) {
  // max_text_length defaults to SigLIP's 64, beyond the tiny tower's 16 positions: the tower says so.
  const Family setup("siglip");
  const auto scorer = maker().make<Scorer>("use = \"scorer/clip-score\"\nencoder = " + setup.encoder_table() +
                                           "\ntokenizer = " + setup.tokenizer_table());
  const std::string error = error_of([&] { scorer->score(samples()); });
  EXPECT_NE(error.find("64 tokens exceed max_position_embeddings 16"), std::string::npos) << error;
}

}  // namespace
}  // namespace vlforge::test
