// projector/avgpool-mlp (Open-Qwen2VL) and projector/mlp (LLaVA-1.5): pooling of the patch grid
// against an independent loop over torch's adaptive bins, one set of weights for 144 and 729
// tokens, weight names, checkpoint loading and the errors of bad token counts.
#include "vlforge/interfaces/projector.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <string>

#include "component_factory.hpp"
#include "test_paths.hpp"
#include "vlforge/error.hpp"
#include "vlforge/safetensors.hpp"
#include "error_text.hpp"

using vlforge::test::error_of;

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

std::shared_ptr<Projector> make_projector(const std::string& toml) {
  static ComponentMaker maker;
  return maker.make<Projector>(toml);
}

at::Tensor parameter(Projector& p, const std::string& name) {
  for (const auto& [n, t] : p.named_parameters())
    if (n == name) return t;
  ADD_FAILURE() << "no parameter " << name;
  return {};
}

// fc2(GELU_exact(fc1(x))) from the projector's own parameters.
at::Tensor reference_mlp(Projector& p, const std::string& first, const std::string& second, const at::Tensor& x) {
  const at::Tensor h = at::linear(x, parameter(p, first + ".weight"), parameter(p, first + ".bias"));
  return at::linear(at::gelu(h), parameter(p, second + ".weight"), parameter(p, second + ".bias"));
}

// torch's adaptive average pooling written out: output cell i of `out` averages input cells
// floor(i*in/out) .. ceil((i+1)*in/out) - 1 in each direction (27 -> 12 bins overlap).
at::Tensor reference_pool(const at::Tensor& features, int64_t in, int64_t out) {
  const at::Tensor grid = features.reshape({features.size(0), in, in, features.size(2)});
  std::vector<at::Tensor> cells;
  for (int64_t r = 0; r < out; ++r) {
    for (int64_t c = 0; c < out; ++c) {
      const auto begin = [&](int64_t i) { return (i * in) / out; };
      const auto end = [&](int64_t i) { return ((i + 1) * in + out - 1) / out; };
      cells.push_back(grid.slice(1, begin(r), end(r)).slice(2, begin(c), end(c)).mean({1, 2}));
    }
  }
  return at::stack(cells, 1);
}

const std::string kAvgPool =
    "use = \"projector/avgpool-mlp\"\ninput_dim = 16\nhidden_dim = 24\noutput_dim = 8\nseed = 3\n";

TEST(AvgPoolMlpProjector, PoolsTo144AndKeeps729WithTheSameWeights) {
  const auto projector = make_projector(kAvgPool);
  EXPECT_EQ(projector->default_tokens(), 144);
  EXPECT_EQ(projector->input_dim(), 16);
  EXPECT_EQ(projector->output_dim(), 8);
  torch::NoGradGuard no_grad;
  const at::Tensor features = torch::randn({2, 729, 16});

  const at::Tensor all = projector->forward(features, 729);
  EXPECT_EQ(all.sizes(), (std::vector<int64_t>{2, 729, 8}));
  EXPECT_TRUE(torch::allclose(all, reference_mlp(*projector, "projector.fc1", "projector.fc2", features), 1e-5, 1e-6));

  const at::Tensor pooled = projector->forward(features, 144);
  EXPECT_EQ(pooled.sizes(), (std::vector<int64_t>{2, 144, 8}));
  const at::Tensor want = reference_mlp(*projector, "projector.fc1", "projector.fc2", reference_pool(features, 27, 12));
  EXPECT_TRUE(torch::allclose(pooled, want, 1e-5, 1e-6));
}

TEST(AvgPoolMlpProjector, RejectsTokenCountsThatAreNotSquares) {
  EXPECT_NE(error_of([&] { make_projector(kAvgPool + "tokens = 150"); }).find("tokens = 150 is not a square number"),
            std::string::npos);
  const auto projector = make_projector(kAvgPool);
  const at::Tensor features = torch::randn({1, 729, 16});
  EXPECT_NE(error_of([&] { projector->forward(features, 150); }).find("not a square number"), std::string::npos);
  EXPECT_NE(error_of([&] { projector->forward(features, 900); }).find("cannot pool a 27x27 patch grid up to 30x30"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              projector->forward(torch::randn({1, 728, 16}), 144);
            }).find("do not form a square grid"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              projector->forward(torch::randn({1, 729, 12}), 144);
            }).find("expected features [B, N, 16]"),
            std::string::npos);
}

TEST(AvgPoolMlpProjector, RandomInitFollowsTheSeed) {
  const auto a = make_projector(kAvgPool), b = make_projector(kAvgPool);
  const auto c = make_projector("use = \"projector/avgpool-mlp\"\ninput_dim = 16\noutput_dim = 8\nseed = 4");
  EXPECT_TRUE(parameter(*a, "projector.fc1.weight").equal(parameter(*b, "projector.fc1.weight")));
  EXPECT_EQ(parameter(*c, "projector.fc1.weight").sizes(), (std::vector<int64_t>{8, 16}));  // hidden = output
  EXPECT_LE(parameter(*a, "projector.fc1.weight").abs().max().item<double>(), 1.0 / std::sqrt(16.0));
  std::vector<std::string> names;
  for (const auto& [name, tensor] : a->named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"projector.fc1.weight", "projector.fc1.bias", "projector.fc2.weight",
                                             "projector.fc2.bias"}));
  EXPECT_NE(
      error_of([&] { make_projector("use = \"projector/avgpool-mlp\""); }).find("input_dim and output_dim must be set"),
      std::string::npos);
}

TEST(AvgPoolMlpProjector, LoadsItsTensorsFromALargerCheckpoint) {
  const fs::path file = hf_fixtures_dir() / "mm-composition" / "projector.safetensors";
  const auto projector = make_projector("use = \"projector/avgpool-mlp\"\ncheckpoint = \"" + file.string() + "\"");
  EXPECT_EQ(projector->input_dim(), 64);
  EXPECT_EQ(projector->output_dim(), 64);
  const auto source = SafetensorsFile::open(file);
  EXPECT_TRUE(parameter(*projector, "projector.fc2.bias").equal(source->tensor("projector.fc2.bias")));

  // A whole multimodal checkpoint: the LLM's and encoder's tensors are not the projector's business.
  const fs::path dir = fresh_dir("vision/projector-in-full-checkpoint");
  std::vector<NamedTensor> tensors = {{"model.embed_tokens.weight", torch::zeros({4, 2})},
                                      {"vision_model.post_layernorm.weight", torch::zeros({3})}};
  for (const SafetensorsEntry& e : source->entries()) tensors.emplace_back(e.name, source->tensor(e.name));
  save_safetensors(dir / "model.safetensors", tensors);
  const auto from_folder = make_projector("use = \"projector/avgpool-mlp\"\ncheckpoint = \"" + dir.string() + "\"");
  EXPECT_TRUE(parameter(*from_folder, "projector.fc1.weight").equal(source->tensor("projector.fc1.weight")));

  EXPECT_NE(error_of([&] {
              make_projector("use = \"projector/avgpool-mlp\"\ninput_dim = 32\ncheckpoint = \"" + file.string() + "\"");
            }).find("input_dim = 32 but the checkpoint's is 64"),
            std::string::npos);
}

TEST(MlpProjector, KeepsEveryPatchUnderLlavaNames) {
  const auto projector = make_projector("use = \"projector/mlp\"\ninput_dim = 16\noutput_dim = 8\nseed = 1");
  EXPECT_EQ(projector->default_tokens(), 0);  // one token per patch
  EXPECT_EQ(parameter(*projector, "multi_modal_projector.linear_1.weight").sizes(), (std::vector<int64_t>{8, 16}));
  EXPECT_EQ(parameter(*projector, "multi_modal_projector.linear_2.weight").sizes(), (std::vector<int64_t>{8, 8}));
  torch::NoGradGuard no_grad;
  const at::Tensor features = torch::randn({2, 576, 16});
  const at::Tensor out = projector->forward(features, 0);
  EXPECT_TRUE(torch::allclose(
      out, reference_mlp(*projector, "multi_modal_projector.linear_1", "multi_modal_projector.linear_2", features),
      1e-5, 1e-6));
  EXPECT_TRUE(projector->forward(features, 576).equal(out));
  EXPECT_NE(error_of([&] { projector->forward(features, 144); }).find("does not pool"), std::string::npos);
}

}  // namespace
}  // namespace vlforge::test
