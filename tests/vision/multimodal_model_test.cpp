// vlforge::MultimodalModel with the real siglip and avgpool-mlp plugins and a transparent
// language model (logits are a fixed linear map of its input embeddings): image tokens land on
// their placeholders in reading order, mismatches are errors, labels never put loss on images or
// padding, the loss is the cross entropy of the shifted labels, and a frozen encoder gets no
// gradient.
#include "vlforge/multimodal_model.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <string>

#include "component_factory.hpp"
#include "test_paths.hpp"
#include "vlforge/error.hpp"
#include "error_text.hpp"

using vlforge::test::error_of;

namespace vlforge::test {
namespace {

constexpr int64_t kVocab = 50;
constexpr int64_t kWidth = 64;          // siglip-tiny's width, and this LM's
constexpr int64_t kImage = 151655;      // a placeholder id outside the vocabulary
constexpr int64_t kTokensPerImage = 4;  // siglip-tiny's 8x8 patches pooled to 2x2

class TransparentLM final : public LanguageModel {
 public:
  TransparentLM() {
    torch::manual_seed(7);
    table_ = torch::randn({kVocab, kWidth}).set_requires_grad(true);
    head_ = torch::randn({kVocab, kWidth}).set_requires_grad(true);
  }
  LanguageModelShape shape() const override { return {kVocab, kWidth, 1, 1, 1, kWidth, kWidth, 128}; }
  at::Tensor embed(const at::Tensor& ids) override { return at::embedding(table_, ids); }
  LanguageModelOutput forward(const LanguageModelInput& input) override {
    last_input = input;
    return {at::matmul(input.inputs_embeds, head_.t()), {}};
  }
  std::unique_ptr<KVCache> new_cache(int64_t, int64_t) override { throw Error("test", "no cache"); }
  PackedAttention packed_attention() const override { return PackedAttention::isolated; }
  std::vector<NamedTensor> named_parameters() override {
    return {{"model.embed_tokens.weight", table_}, {"lm_head.weight", head_}};
  }
  void set_requires_grad(bool r) override {
    table_.set_requires_grad(r);
    head_.set_requires_grad(r);
  }
  void set_training(bool) override {}
  void to(const at::Device&, at::ScalarType) override {}

  LanguageModelInput last_input;
  at::Tensor table_, head_;
};

struct Parts {
  std::shared_ptr<VisionEncoder> vision;
  std::shared_ptr<Projector> projector;
  std::shared_ptr<TransparentLM> lm;
};

Parts make_parts() {
  static ComponentMaker maker;
  return {
      maker.make<VisionEncoder>("use = \"vision_encoder/siglip\"\ncheckpoint = \"" +
                                (hf_fixtures_dir() / "siglip-tiny" / "vision").string() + "\""),
      maker.make<Projector>("use = \"projector/avgpool-mlp\"\ninput_dim = 64\noutput_dim = 64\ntokens = 4\nseed = 1"),
      std::make_shared<TransparentLM>()};
}

MultimodalModel make_model(const Parts& p, MultimodalOptions options = {}) {
  options.image_token_id = kImage;
  return MultimodalModel(p.vision, p.projector, p.lm, options);
}

MultimodalInput input_of(const at::Tensor& ids, const at::Tensor& pixels = {}, const at::Tensor& documents = {}) {
  MultimodalInput input;
  input.input_ids = ids;
  input.pixel_values = pixels;
  input.document_ids = documents;
  return input;
}

// Row 0: text, image A, text, image B, text. Row 1: image C, text, then right padding (id 0).
at::Tensor two_rows() {
  const int64_t I = kImage;
  return torch::tensor(std::vector<int64_t>{5, I, I, I, I, 6,  7,  I,  I,  I, I, 8,  //
                                            I, I, I, I, 9, 10, 11, 12, 13, 0, 0, 0})
      .reshape({2, 12});
}

TEST(MultimodalModel, SplicesImageTokensOntoPlaceholdersInReadingOrder) {
  const Parts parts = make_parts();
  MultimodalModel model = make_model(parts);
  EXPECT_EQ(model.image_tokens(), 4);
  torch::NoGradGuard no_grad;
  const at::Tensor ids = two_rows();
  const at::Tensor pixels = torch::rand({3, 3, 64, 64});
  const MultimodalOutput out = model.forward(input_of(ids, pixels));

  const at::Tensor images = parts.projector->forward(parts.vision->forward(pixels), 4);
  EXPECT_TRUE(torch::allclose(out.image_embeds, images));
  const at::Tensor e = out.inputs_embeds;
  EXPECT_TRUE(e[0].slice(0, 1, 5).equal(images[0]));   // image A
  EXPECT_TRUE(e[0].slice(0, 7, 11).equal(images[1]));  // image B
  EXPECT_TRUE(e[1].slice(0, 0, 4).equal(images[2]));   // image C
  EXPECT_TRUE(e[0][5].equal(parts.lm->table_[6]));     // text stays text
  EXPECT_TRUE(e[1][4].equal(parts.lm->table_[9]));
  // The LM ran on exactly these embeddings, with positions 0..T-1.
  EXPECT_TRUE(parts.lm->last_input.inputs_embeds.equal(e));
  EXPECT_TRUE(parts.lm->last_input.position_ids[1].equal(torch::arange(12)));
}

TEST(MultimodalModel, PlaceholderAndImageCountsMustAgree) {
  const Parts parts = make_parts();
  MultimodalModel model = make_model(parts);
  torch::NoGradGuard no_grad;
  const at::Tensor ids = two_rows();
  EXPECT_NE(error_of([&] {
              model.forward(input_of(ids, torch::rand({2, 3, 64, 64})));
            }).find("input_ids hold 12 image placeholder ids, but 2 image(s) x 4 tokens need 8"),
            std::string::npos);
  EXPECT_NE(error_of([&] { model.forward(input_of(ids.slice(0, 0, 1))); }).find("0 image(s)"), std::string::npos);
  // Right count, broken run: two placeholders of image A moved apart.
  at::Tensor broken = ids.clone();
  broken[0][4] = 6;
  broken[0][5] = kImage;
  EXPECT_NE(error_of([&] {
              model.forward(input_of(broken, torch::rand({3, 3, 64, 64})));
            }).find("unbroken runs of 4"),
            std::string::npos);
}

TEST(MultimodalModel, LabelsNeverPutLossOnImagesOrPadding) {
  const at::Tensor ids = two_rows();
  const at::Tensor mask = ids.ne(0).logical_or(ids.eq(kImage)).to(at::kLong);
  at::Tensor loss_mask = torch::ones_like(ids);
  loss_mask[0][0] = 0;  // e.g. a prompt token
  const at::Tensor labels = make_labels(ids, kImage, mask, loss_mask);
  const int64_t I = kIgnoreIndex;
  EXPECT_TRUE(labels.equal(torch::tensor(std::vector<int64_t>{I, I, I, I, I, 6,  7,  I,  I,  I, I, 8,  //
                                                              I, I, I, I, 9, 10, 11, 12, 13, I, I, I})
                               .reshape({2, 12})));
  EXPECT_EQ(expand_image_placeholders(std::vector<int64_t>{1, kImage, 2, kImage}, kImage, 3),
            (std::vector<int64_t>{1, kImage, kImage, kImage, 2, kImage, kImage, kImage}));
}

TEST(MultimodalModel, LossIsTheCrossEntropyOfTheNextToken) {
  const Parts parts = make_parts();
  MultimodalModel model = make_model(parts);
  const at::Tensor ids = two_rows();
  const at::Tensor pixels = torch::rand({3, 3, 64, 64});
  const at::Tensor labels = make_labels(ids, kImage, ids.ne(0).logical_or(ids.eq(kImage)));
  const LossSum loss = model.loss(input_of(ids, pixels), labels);

  // By hand: position t predicts labels[t + 1] wherever that is not ignored.
  const at::Tensor logits = model.forward(input_of(ids, pixels)).lm.logits.detach();
  double want = 0.0;
  int64_t count = 0;
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t t = 0; t + 1 < 12; ++t) {
      const int64_t target = labels[b][t + 1].item<int64_t>();
      if (target == kIgnoreIndex) continue;
      want -= at::log_softmax(logits[b][t], 0)[target].item<double>();
      ++count;
    }
  EXPECT_EQ(loss.tokens, count);
  EXPECT_EQ(count, 3 + 5);  // row 0: 6, 7 and 8; row 1: 9 to 13
  EXPECT_NEAR(loss.sum.item<double>(), want, 1e-3);

  // Packed: the last token of document 0 does not predict document 1.
  const at::Tensor docs = torch::tensor({{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}});
  EXPECT_EQ(model.loss(input_of(ids, pixels, docs), labels).tokens,
            count);  // the boundary is on image B: no loss there
  const at::Tensor split = torch::tensor({{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}});
  EXPECT_EQ(model.loss(input_of(ids, pixels, split), labels).tokens, count - 1);  // 6 -> 7 crosses documents
  EXPECT_TRUE(
      parts.lm->last_input.position_ids[0].equal(torch::tensor({0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5}, at::kLong)));
}

TEST(MultimodalModel, FrozenEncoderGetsNoGradient) {
  const Parts parts = make_parts();
  MultimodalModel model = make_model(parts);  // Open-Qwen2VL pre-training: encoder frozen
  std::vector<std::string> trained;
  for (const auto& [name, tensor] : model.named_parameters()) trained.push_back(name);
  EXPECT_EQ(trained, (std::vector<std::string>{
                         "multi_modal_projector.projector.fc1.weight", "multi_modal_projector.projector.fc1.bias",
                         "multi_modal_projector.projector.fc2.weight", "multi_modal_projector.projector.fc2.bias",
                         "language_model.model.embed_tokens.weight", "language_model.lm_head.weight"}));
  const at::Tensor ids = two_rows();
  model.loss(input_of(ids, torch::rand({3, 3, 64, 64})), make_labels(ids, kImage)).sum.backward();
  for (const auto& [name, p] : parts.vision->named_parameters()) EXPECT_FALSE(p.grad().defined()) << name;
  for (const auto& [name, p] : parts.projector->named_parameters()) {
    ASSERT_TRUE(p.grad().defined()) << name;
    EXPECT_GT(p.grad().abs().sum().item<double>(), 0.0) << name;
  }

  TrainBatch batch;
  batch.tensors = {
      {"input_ids", ids}, {"labels", make_labels(ids, kImage)}, {"pixel_values", torch::rand({3, 3, 64, 64})}};
  // The documented formula, by hand: the frozen encoder runs forward only (1 pass) over 3 x 64
  // patches; the trained projector forward + weight gradients (2) over 3 x 4 tokens; the trained LM
  // forward + input and weight gradients (3) over 24 tokens, with attention 4 x 1 x 1 x 64 x 12.
  auto params = [](Trainable& t) {
    double n = 0;
    for (const auto& [name, tensor] : t.named_parameters()) n += static_cast<double>(tensor.numel());
    return n;
  };
  const double want = 1 * 2 * params(*parts.vision) * 3 * 64 + 2 * 2 * params(*parts.projector) * 3 * 4 +
                      3 * (2 * params(*parts.lm) + 4.0 * 64 * 12) * 24;
  EXPECT_DOUBLE_EQ(model.flops(batch), want);
  EXPECT_NEAR(model.loss_sum(batch).item<double>(),
              model.loss(input_of(ids, batch.tensors["pixel_values"]), make_labels(ids, kImage)).sum.item<double>(),
              1e-4);
}

TEST(MultimodalModel, WidthsMustChain) {
  const Parts parts = make_parts();
  static ComponentMaker maker;
  auto narrow = maker.make<Projector>("use = \"projector/avgpool-mlp\"\ninput_dim = 64\noutput_dim = 32\ntokens = 4");
  MultimodalOptions options;
  options.image_token_id = kImage;
  EXPECT_NE(error_of([&] {
              MultimodalModel(parts.vision, narrow, parts.lm, options);
            }).find("the projector gives width 32 but the language model takes 64"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { MultimodalModel(parts.vision, parts.projector, parts.lm, {}); }).find("image_token_id is not set"),
      std::string::npos);
}

}  // namespace
}  // namespace vlforge::test
