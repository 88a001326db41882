// init = "random" for the ViT-family vision encoders (weights = false): every parameter gets data
// by the scheme initialise_vit_parameters documents (SigLIP's), the same numbers for the same seed,
// and the encoder runs. The tiny SigLIP fixture's config.json gives the shapes.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>

#include "component_factory.hpp"
#include "siglip.hpp"
#include "test_paths.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"
#include "vlforge/models/vit_vision_encoder.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

using models::VitVisionEncoder;
using models::VitVisionEncoderConfig;

// hidden 64, MLP 128, patch 8 on 64 px (8 x 8 patches), 3 layers, 4 heads.
fs::path siglip_tiny() { return hf_fixtures_dir() / "siglip-tiny" / "vision"; }

// Built directly rather than through a recipe: the test picks the seed that a run's Context would give.
std::shared_ptr<VitVisionEncoder> random_siglip(uint64_t seed, const std::string& dtype = "float32") {
  VitVisionEncoderConfig cfg;
  cfg.checkpoint = siglip_tiny();
  cfg.weights = false;
  cfg.init = "random";
  cfg.dtype = dtype;
  const models::VitFolderConfig folder = models::read_vit_folder_config(cfg.checkpoint, "siglip");
  return std::make_shared<VitVisionEncoder>(
      "vision_encoder/siglip", cfg,
      siglip::build_towers(folder, /*text_tower=*/false, VitVisionEncoder::parameter_options(cfg)), seed);
}

std::map<std::string, at::Tensor> parameters_of(VisionEncoder& encoder) {
  std::map<std::string, at::Tensor> out;
  for (const auto& [name, tensor] : encoder.named_parameters()) out.emplace(name, tensor);
  return out;
}

std::shared_ptr<VisionEncoder> from_recipe(const std::string& toml) {
  static ComponentMaker maker;
  return maker.make<VisionEncoder>(toml);
}

bool is_norm(const std::string& name) {
  return name.find("layer_norm") != std::string::npos || name.find("layernorm") != std::string::npos;
}

TEST(VitRandomInit, RecipeKeysGiveARunnableEncoder) {
  const auto encoder = from_recipe("use = \"vision_encoder/siglip\"\ncheckpoint = \"" + siglip_tiny().string() +
                                   "\"\nweights = false\ninit = \"random\"\n");
  ASSERT_NE(encoder, nullptr);
  for (const auto& [name, p] : encoder->named_parameters()) {
    EXPECT_FALSE(p.is_meta()) << name;
    EXPECT_TRUE(p.isfinite().all().item<bool>()) << name;
    EXPECT_FALSE(p.requires_grad()) << name << ": frozen by default";
  }
  torch::NoGradGuard no_grad;
  const at::Tensor features = encoder->forward(torch::rand({2, 3, 64, 64}) * 2 - 1);
  EXPECT_EQ(features.sizes(), (std::vector<int64_t>{2, 64, 64}));
  EXPECT_TRUE(features.isfinite().all().item<bool>());
}

TEST(VitRandomInit, ParametersFollowSiglipsScheme) {
  const auto params = parameters_of(*random_siglip(7));
  // Standard deviations the scheme gives, from the shapes of siglip-tiny: xavier_uniform
  // sqrt(2 / (fan_in + fan_out)), lecun_normal sqrt(1 / fan_in), tables 1 / sqrt(width).
  const std::map<std::string, double> expected_std = {
      {"vision_model.embeddings.patch_embedding.weight", std::sqrt(1.0 / (3 * 8 * 8))},
      {"vision_model.embeddings.position_embedding.weight", 1.0 / 8},
      {"vision_model.encoder.layers.0.self_attn.q_proj.weight", std::sqrt(2.0 / (64 + 64))},
      {"vision_model.encoder.layers.2.self_attn.out_proj.weight", std::sqrt(2.0 / (64 + 64))},
      {"vision_model.encoder.layers.1.mlp.fc1.weight", std::sqrt(2.0 / (64 + 128))},
      {"vision_model.encoder.layers.1.mlp.fc2.weight", std::sqrt(2.0 / (128 + 64))},
      {"vision_model.head.attention.in_proj_weight", std::sqrt(2.0 / (64 + 192))},
      {"vision_model.head.attention.out_proj.weight", std::sqrt(1.0 / 64)},
      {"vision_model.head.mlp.fc1.weight", std::sqrt(2.0 / (64 + 128))},
  };
  for (const auto& [name, std] : expected_std) {
    ASSERT_TRUE(params.count(name)) << name;
    const at::Tensor p = params.at(name);
    // At least 4,096 draws each: the sample std is within a few percent of the true one.
    EXPECT_NEAR(p.std().item<double>(), std, 0.06 * std) << name;
    EXPECT_NEAR(p.mean().item<double>(), 0.0, 0.1 * std) << name;
  }
  // lecun_normal is truncated at two of its (pre-correction) standard deviations.
  const double patch_bound = 2 * std::sqrt(1.0 / 192) / 0.87962566103423978;
  EXPECT_LE(params.at("vision_model.embeddings.patch_embedding.weight").abs().max().item<double>(), patch_bound);
  EXPECT_LE(params.at("vision_model.head.probe").abs().max().item<double>(), std::sqrt(6.0 / (64 + 64)));

  for (const auto& [name, p] : params) {
    if (is_norm(name) && name.ends_with(".weight")) {
      EXPECT_TRUE(p.eq(1).all().item<bool>()) << name;
    } else if (name.find("mlp.fc") != std::string::npos && name.ends_with(".bias")) {
      EXPECT_LT(p.abs().max().item<double>(), 1e-5) << name;  // normal(std 1e-6), as SigLIP
      EXPECT_GT(p.abs().max().item<double>(), 0.0) << name;
    } else if (name.ends_with("bias")) {
      EXPECT_TRUE(p.eq(0).all().item<bool>()) << name;  // norms, attention, patches, in_proj_bias
    }
  }
}

TEST(VitRandomInit, SameSeedSameParametersOtherSeedOthers) {
  const auto a = parameters_of(*random_siglip(7)), b = parameters_of(*random_siglip(7));
  const auto c = parameters_of(*random_siglip(8));
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, p] : a) {
    EXPECT_TRUE(p.equal(b.at(name))) << name;
    const bool constant = is_norm(name) || (name.ends_with("bias") && name.find("mlp.fc") == std::string::npos);
    if (!constant) {
      EXPECT_FALSE(p.equal(c.at(name))) << name << " is the same under another seed";
    }
  }
}

TEST(VitRandomInit, LowerPrecisionHoldsTheSameNumbersRounded) {
  const auto full = parameters_of(*random_siglip(7)), half = parameters_of(*random_siglip(7, "bfloat16"));
  for (const auto& [name, p] : half) {
    EXPECT_EQ(p.scalar_type(), at::kBFloat16) << name;
    EXPECT_TRUE(p.equal(full.at(name).to(at::kBFloat16))) << name;
  }
}

TEST(VitRandomInit, ForwardGivesFiniteFeatures) {
  const auto encoder = random_siglip(3);
  torch::NoGradGuard no_grad;
  const at::Tensor pixels = torch::rand({2, 3, 64, 64}) * 2 - 1;
  const at::Tensor features = encoder->forward(pixels);
  EXPECT_EQ(features.sizes(), (std::vector<int64_t>{2, 64, 64}));
  EXPECT_TRUE(features.isfinite().all().item<bool>());
  EXPECT_GT(features.std().item<double>(), 0.1);  // unit-scale activations, not collapsed
  const at::Tensor pooled = encoder->image_embeds(pixels);
  EXPECT_EQ(pooled.sizes(), (std::vector<int64_t>{2, 64}));
  EXPECT_TRUE(pooled.isfinite().all().item<bool>());
}

// CLIP's class embedding and pre-norm fall to the rules for parameters of no known module.
TEST(VitRandomInit, ClipTowersInitialiseToo) {
  const auto encoder =
      from_recipe("use = \"vision_encoder/clip\"\ncheckpoint = \"" +
                  (hf_fixtures_dir() / "clip-tiny" / "vision").string() + "\"\nweights = false\ninit = \"random\"\n");
  ASSERT_NE(encoder, nullptr);
  const auto params = parameters_of(*encoder);
  for (const auto& [name, p] : params) {
    EXPECT_FALSE(p.is_meta()) << name;
    if (name.ends_with("layrnorm.weight") || name.ends_with("layernorm.weight")) {
      EXPECT_TRUE(p.eq(1).all().item<bool>()) << name;
    }
  }
  const at::Tensor cls = params.at("vision_model.embeddings.class_embedding");
  EXPECT_LE(cls.abs().max().item<double>(), 6.0 / 8);  // normal(std 1/8): six standard deviations
  EXPECT_GT(cls.abs().max().item<double>(), 0.0);
  torch::NoGradGuard no_grad;
  const at::Tensor features = encoder->forward(torch::rand({1, 3, 32, 32}));
  EXPECT_EQ(features.sizes(), (std::vector<int64_t>{1, 16, 64}));
  EXPECT_TRUE(features.isfinite().all().item<bool>());
}

}  // namespace
}  // namespace vlforge::test
