// vision_encoder/siglip and vision_encoder/clip beyond parity: the published SigLIP-SO400M
// geometry and parameter count (from its config alone), select_layer, freezing, dtype, and the
// errors a recipe author meets.
#include "vlforge/interfaces/vision_encoder.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <string>

#include "component_factory.hpp"
#include "test_paths.hpp"
#include "vlforge/error.hpp"
#include "vlforge/models/vit_vision_encoder.hpp"
#include "vlforge/safetensors.hpp"
#include "error_text.hpp"

using vlforge::test::error_of;

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

const fs::path kData = VLFORGE_VISION_TEST_DATA;

std::shared_ptr<models::VitVisionEncoder> make_encoder(const std::string& toml) {
  static ComponentMaker maker;
  return std::dynamic_pointer_cast<models::VitVisionEncoder>(maker.make<VisionEncoder>(toml));
}

std::string siglip_at(const fs::path& checkpoint, const std::string& extra = {}) {
  return "use = \"vision_encoder/siglip\"\ncheckpoint = \"" + checkpoint.string() + "\"\n" + extra;
}

// The message of the vlforge::Error `f` throws ("" when it throws none).
int64_t count(const std::vector<NamedTensor>& params, const std::string& prefix) {
  int64_t n = 0;
  for (const auto& [name, tensor] : params)
    if (name.starts_with(prefix)) n += tensor.numel();
  return n;
}

TEST(SiglipSo400m, VisionTowerHasThePublishedParameterCount) {
  const auto encoder = make_encoder(siglip_at(kData / "siglip-so400m-patch14-384", "weights = false"));
  ASSERT_NE(encoder, nullptr);
  const auto params = encoder->named_parameters();
  for (const auto& [name, tensor] : params) {
    EXPECT_TRUE(tensor.is_meta()) << name << " holds memory";
    EXPECT_TRUE(name.starts_with("vision_model.")) << name << ": the text tower is loaded only when asked";
  }
  // From the shapes, with C = 1152 (width), F = 4304 (MLP), P = 14 (patch), N = 27 x 27 = 729:
  //   patch_embedding      C*3*P*P + C                                  =     678,528
  //   position_embedding   N*C                                          =     839,808
  //   one encoder layer    layer norms 2*2C = 4,608; q, k, v, out 4*(C*C + C) = 5,313,024;
  //                        fc1 C*F + F = 4,962,512; fc2 F*C + C = 4,959,360  ->  15,239,504
  //   27 layers                                                         = 411,466,608
  //   post_layernorm       2C                                           =       2,304
  //   head                 probe C = 1,152; in_proj 3C*C + 3C = 3,984,768; out_proj C*C + C =
  //                        1,328,256; layernorm 2C = 2,304; mlp 4,962,512 + 4,959,360 =
  //                        9,921,872                                    =  15,238,352
  //   total                                                             = 428,225,600
  EXPECT_EQ(count(params, "vision_model."), 428'225'600);
  EXPECT_EQ(encoder->grid_size(), 27);
  EXPECT_EQ(encoder->hidden_size(), 1152);
  EXPECT_EQ(encoder->feature_index(), 26);  // select_layer -2 of hidden_states 0..27
  EXPECT_EQ(encoder->preprocess().image_size, 384);
  EXPECT_EQ(encoder->preprocess().mean, (std::array<double, 3>{0.5, 0.5, 0.5}));
  EXPECT_EQ(encoder->preprocess().std, (std::array<double, 3>{0.5, 0.5, 0.5}));
  EXPECT_NE(error_of([&] {
              encoder->forward(at::zeros({1, 3, 384, 384}));
            }).find("weights = false"),
            std::string::npos);
}

TEST(SiglipSo400m, TextTowerCountsWhenAsked) {
  const auto encoder =
      make_encoder(siglip_at(kData / "siglip-so400m-patch14-384", "weights = false\ntext_tower = true"));
  ASSERT_NE(encoder, nullptr);
  EXPECT_TRUE(encoder->has_text_tower());
  // token_embedding 32000*C = 36,864,000; position_embedding 64*C = 73,728; 27 layers as above
  // 411,466,608; final_layer_norm 2,304; head C*C + C = 1,328,256.
  EXPECT_EQ(count(encoder->named_parameters(), "text_model."), 449'734'896);
  EXPECT_EQ(count(encoder->named_parameters(), "vision_model."), 428'225'600);
}

// SO400M's geometry (384 px, patch 14, width 1152, 16 heads) on two thin layers with random
// weights: the feature is [B, 729, 1152], the output of the second-to-last (here the first) layer.
TEST(SiglipGeometry, FeatureOfSo400mGeometryIs729PatchesOfTheSecondToLastLayer) {
  const fs::path dir = fresh_dir("vision/siglip-384-thin");
  write_text(dir / "config.json", R"({"model_type": "siglip_vision_model", "hidden_size": 1152, "image_size": 384,
    "patch_size": 14, "num_attention_heads": 16, "intermediate_size": 64, "num_hidden_layers": 2})");
  // The names and shapes come from the model itself, built without weights.
  std::vector<NamedTensor> weights;
  torch::manual_seed(0);
  for (const auto& [name, shape] : make_encoder(siglip_at(dir, "weights = false"))->named_parameters())
    weights.emplace_back(name, torch::randn(shape.sizes()) * 0.02);
  save_safetensors(dir / "model.safetensors", weights);

  const auto encoder = make_encoder(siglip_at(dir));
  ASSERT_NE(encoder, nullptr);
  torch::NoGradGuard no_grad;
  const at::Tensor pixels = torch::rand({2, 3, 384, 384}) * 2 - 1;
  const at::Tensor features = encoder->forward(pixels);
  EXPECT_EQ(features.sizes(), (std::vector<int64_t>{2, 729, 1152}));
  const models::TowerOutput all = encoder->vision_outputs(pixels);
  ASSERT_EQ(all.hidden_states.size(), 3u);
  EXPECT_TRUE(torch::allclose(features, all.hidden_states[1], 1e-5, 1e-6));
  EXPECT_FALSE(torch::allclose(features, all.hidden_states[2], 1e-5, 1e-6));
}

TEST(VitEncoder, SelectLayerOutOfRangeIsRefused) {
  const fs::path tiny = hf_fixtures_dir() / "siglip-tiny" / "vision";  // 3 layers: hidden_states 0..3
  EXPECT_NE(error_of([&] { make_encoder(siglip_at(tiny, "select_layer = 4")); }).find("out of range"),
            std::string::npos);
  EXPECT_NE(error_of([&] { make_encoder(siglip_at(tiny, "select_layer = -5")); }).find("-4 to 3"), std::string::npos);
  EXPECT_EQ(make_encoder(siglip_at(tiny, "select_layer = -4"))->feature_index(), 0);
  EXPECT_EQ(make_encoder(siglip_at(tiny, "select_layer = 3"))->feature_index(), 3);
}

TEST(VitEncoder, FrozenByDefault) {
  const fs::path tiny = hf_fixtures_dir() / "siglip-tiny" / "vision";
  for (const auto& [name, p] : make_encoder(siglip_at(tiny))->named_parameters())
    EXPECT_FALSE(p.requires_grad()) << name;
  for (const auto& [name, p] : make_encoder(siglip_at(tiny, "frozen = false"))->named_parameters())
    EXPECT_TRUE(p.requires_grad()) << name;
}

TEST(VitEncoder, RunsInBfloat16) {
  const fs::path tiny = hf_fixtures_dir() / "siglip-tiny" / "vision";
  const at::Tensor pixels = torch::rand({1, 3, 64, 64});
  torch::NoGradGuard no_grad;
  const at::Tensor reference = make_encoder(siglip_at(tiny))->forward(pixels);
  const at::Tensor half = make_encoder(siglip_at(tiny, "dtype = \"bfloat16\""))->forward(pixels);
  EXPECT_EQ(half.scalar_type(), at::kBFloat16);
  EXPECT_LT((half.to(at::kFloat) - reference).abs().max().item<double>(), 0.1 * reference.abs().max().item<double>());
}

TEST(VitEncoder, ErrorsNameTheProblem) {
  const fs::path vision = hf_fixtures_dir() / "siglip-tiny" / "vision";
  EXPECT_NE(error_of([&] { make_encoder(siglip_at(vision, "text_tower = true")); }).find("has no text tower"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              make_encoder(siglip_at(hf_fixtures_dir() / "qwen2-tiny" / "model"));
            }).find("model_type is 'qwen2', expected siglip, siglip_vision_model or siglip_text_model"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { make_encoder(siglip_at(hf_fixtures_dir() / "siglip-tiny" / "text")); }).find("no vision tower"),
      std::string::npos);
  // A CLIP folder is not a SigLIP one, although its tensor names look alike.
  EXPECT_NE(
      error_of([&] { make_encoder(siglip_at(hf_fixtures_dir() / "clip-tiny" / "vision")); }).find("clip_vision_model"),
      std::string::npos);

  const auto encoder = make_encoder(siglip_at(vision));
  EXPECT_NE(error_of([&] {
              encoder->forward(torch::zeros({1, 3, 32, 32}));
            }).find("pixels must be [B, 3, 64, 64]"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              encoder->text_embeds(torch::zeros({1, 4}, at::kLong), {});
            }).find("no text tower"),
            std::string::npos);
}

TEST(ClipEncoder, ForwardDropsTheClassToken) {
  const auto encoder = make_encoder("use = \"vision_encoder/clip\"\ncheckpoint = \"" +
                                    (hf_fixtures_dir() / "clip-tiny" / "vision").string() + "\"\nselect_layer = -1");
  ASSERT_NE(encoder, nullptr);
  torch::NoGradGuard no_grad;
  const at::Tensor pixels = torch::rand({2, 3, 32, 32});
  const at::Tensor features = encoder->forward(pixels);
  EXPECT_EQ(features.sizes(), (std::vector<int64_t>{2, 16, 64}));  // 4 x 4 patches, no class token
  EXPECT_TRUE(torch::allclose(features, encoder->vision_outputs(pixels).last_hidden_state.slice(1, 1)));
  // OpenAI CLIP normalisation, not SigLIP's 0.5.
  EXPECT_NEAR(encoder->preprocess().mean[0], 0.48145466, 1e-9);
  EXPECT_NEAR(encoder->preprocess().std[2], 0.27577711, 1e-9);
}

}  // namespace
}  // namespace vlforge::test
