// Parity of vision_encoder/siglip and vision_encoder/clip with Hugging Face transformers 4.44.2
// on the tiny random models of the reference fixtures (README of hf-reference): every hidden
// state, last_hidden_state and pooler_output of the image and the text towers. Cases are
// discovered from FAMILY/cases/*/case.json; one named test per case.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "component_factory.hpp"
#include "contrastive_checkpoint.hpp"
#include "test_paths.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"
#include "vlforge/json_config.hpp"
#include "vlforge/models/vit_vision_encoder.hpp"
#include "vlforge/safetensors.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

const std::vector<std::string> kFamilies = {"siglip-tiny", "clip-tiny"};

struct TowerCase {
  std::string family;  // fixture folder, e.g. "siglip-tiny"
  std::string name;    // case folder, e.g. "vision_forward"
  fs::path dir;
};

// gtest shows the case, not its bytes.
void PrintTo(const TowerCase& c, std::ostream* os) { *os << c.family << "/" << c.name; }

std::vector<TowerCase> discover() {
  std::vector<TowerCase> cases;
  for (const std::string& family : kFamilies) {
    const fs::path root = hf_fixtures_dir() / family / "cases";
    if (!fs::is_directory(root)) continue;
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(root))
      if (fs::exists(entry.path() / "case.json")) dirs.push_back(entry.path());
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path& dir : dirs) cases.push_back({family, dir.filename().string(), dir});
  }
  return cases;
}

std::string case_name(const testing::TestParamInfo<TowerCase>& info) {
  std::string name = info.param.family + "_" + info.param.name;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

// The contrastive embedding of a pooled output: times the composite's projection when it has one.
at::Tensor embedding_of(const at::Tensor& pooled, const fs::path& checkpoint, const std::string& projection) {
  const Checkpoint ckpt = Checkpoint::open(checkpoint);
  return ckpt.contains(projection) ? at::matmul(pooled, ckpt.get(projection).t()) : pooled;
}

std::shared_ptr<models::VitVisionEncoder> make_encoder(const std::string& plugin, const fs::path& checkpoint,
                                                       bool text_tower, int64_t select_layer = -2) {
  static ComponentMaker maker;
  auto encoder = maker.make<VisionEncoder>("use = \"vision_encoder/" + plugin + "\"\ncheckpoint = \"" +
                                           checkpoint.string() + "\"\ntext_tower = " + (text_tower ? "true" : "false") +
                                           "\nselect_layer = " + std::to_string(select_layer));
  auto vit = std::dynamic_pointer_cast<models::VitVisionEncoder>(encoder);
  EXPECT_NE(vit, nullptr) << plugin << " is not built on models::VitVisionEncoder";
  return vit;
}

// Max |got - want|, over the rows/positions where `where` ([B, T] bool) holds when it is defined
// and the tensors are per position ([B, T, ...]).
double max_abs_diff(const at::Tensor& got, const at::Tensor& want, const at::Tensor& where) {
  EXPECT_EQ(got.sizes(), want.sizes());
  if (got.sizes() != want.sizes()) return INFINITY;
  at::Tensor diff = (got.to(at::kDouble) - want.to(at::kDouble)).abs();
  if (where.defined() && diff.dim() == 3 && diff.size(0) == where.size(0) && diff.size(1) == where.size(1))
    diff = diff.index({where});
  return diff.numel() == 0 ? 0.0 : diff.max().item<double>();
}

// The output named as in outputs.safetensors: "last_hidden_state", "pooler_output", "hidden_states.K".
at::Tensor output_named(const models::TowerOutput& out, const std::string& name) {
  if (name == "last_hidden_state") return out.last_hidden_state;
  if (name == "pooler_output") return out.pooler_output;
  const std::string prefix = "hidden_states.";
  if (name.starts_with(prefix)) {
    const size_t index = std::stoul(name.substr(prefix.size()));
    if (index < out.hidden_states.size()) return out.hidden_states[index];
  }
  ADD_FAILURE() << "no computed counterpart of reference output '" << name << "'";
  return {};
}

// "attention_mask==1" -> mask [B, T] bool; undefined when the case compares everywhere.
at::Tensor compare_where(const JsonConfig& spec, const SafetensorsFile& inputs) {
  const std::string rule = spec.get_string("compare_only_where", "");
  if (rule.empty()) return {};
  EXPECT_EQ(rule, "attention_mask==1") << "unknown compare_only_where rule";
  return inputs.tensor("attention_mask").eq(1);
}

class TowerParity : public testing::TestWithParam<TowerCase> {};

TEST_P(TowerParity, MatchesTransformers) {
  const TowerCase& c = GetParam();
  const JsonConfig spec = JsonConfig::load(c.dir / "case.json");
  const double tolerance = spec.get_double("tolerance_max_abs");
  const fs::path model = fs::weakly_canonical(c.dir / spec.get_string("model"));
  const std::string model_type = JsonConfig::load(model / "config.json").get_string("model_type");
  const std::string plugin = model_type.substr(0, model_type.find('_'));  // "siglip", "clip"
  const bool text = model_type.ends_with("_text_model");
  const auto inputs = SafetensorsFile::open(c.dir / "inputs.safetensors");
  const auto outputs = SafetensorsFile::open(c.dir / "outputs.safetensors");
  const at::Tensor where = compare_where(spec, *inputs);
  torch::NoGradGuard no_grad;

  // A text tower lives in a composite model folder; a vision tower also loads from its own.
  const fs::path checkpoint = text ? contrastive_checkpoint(plugin, fresh_dir("vision_parity/" + plugin + "-composite/" + ::testing::UnitTest::GetInstance()->current_test_info()->name())) : model;
  const auto encoder = make_encoder(plugin, checkpoint, text);
  ASSERT_NE(encoder, nullptr);

  at::Tensor pixels, ids, mask;
  models::TowerOutput got;
  if (text) {
    ids = inputs->tensor("input_ids");
    if (inputs->find("attention_mask") != nullptr) mask = inputs->tensor("attention_mask");
    got = encoder->text_outputs(ids, mask);
  } else {
    pixels = inputs->tensor("pixel_values");
    got = encoder->vision_outputs(pixels);
  }

  int64_t hidden_states = 0;
  for (const SafetensorsEntry& entry : outputs->entries()) {
    const at::Tensor computed = output_named(got, entry.name);
    if (!computed.defined()) continue;
    const double diff = max_abs_diff(computed, outputs->tensor(entry.name), where);
    std::cout << "[parity] " << c.family << "/" << c.name << " " << entry.name << " max abs diff " << diff << "\n";
    EXPECT_LE(diff, tolerance) << entry.name;
    hidden_states += entry.name.starts_with("hidden_states.") ? 1 : 0;
  }
  EXPECT_EQ(static_cast<int64_t>(got.hidden_states.size()), hidden_states) << "hidden state count";

  // The component's own views are the same numbers.
  const at::Tensor pooled = outputs->tensor("pooler_output");
  if (text) {
    const at::Tensor want = embedding_of(pooled, checkpoint, "text_projection.weight");
    EXPECT_LE(max_abs_diff(encoder->text_embeds(ids, mask), want, {}), tolerance);
    return;
  }
  EXPECT_LE(max_abs_diff(encoder->image_embeds(pixels), pooled, {}), tolerance);
  // From the composite folder, without its text tower: the same tower (text weights stay on
  // disk), and a CLIPModel's image embedding is the projected pooled output.
  const fs::path composite = contrastive_checkpoint(plugin, fresh_dir("vision_parity/" + plugin + "-composite/" + ::testing::UnitTest::GetInstance()->current_test_info()->name()));
  const at::Tensor want = embedding_of(pooled, composite, "visual_projection.weight");
  EXPECT_LE(max_abs_diff(make_encoder(plugin, composite, false)->image_embeds(pixels), want, {}), tolerance);
  // forward() at every select_layer: that hidden state without class tokens (CLIP drops one).
  const int64_t layers = hidden_states - 1;
  const int64_t prefix = plugin == "clip" ? 1 : 0;
  for (int64_t layer = -(layers + 1); layer <= layers; ++layer) {
    const int64_t index = layer < 0 ? layer + layers + 1 : layer;
    const at::Tensor want = outputs->tensor("hidden_states." + std::to_string(index)).slice(1, prefix);
    const at::Tensor features = make_encoder(plugin, checkpoint, false, layer)->forward(pixels);
    EXPECT_EQ(features.size(1), encoder->grid_size() * encoder->grid_size());
    EXPECT_LE(max_abs_diff(features, want, {}), tolerance) << "select_layer " << layer;
  }
}

INSTANTIATE_TEST_SUITE_P(HfReference, TowerParity, testing::ValuesIn(discover()), case_name);

}  // namespace
}  // namespace vlforge::test
