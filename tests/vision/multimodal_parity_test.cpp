// Parity of the Open-Qwen2VL wiring (vlforge::MultimodalModel over vision_encoder/siglip,
// projector/avgpool-mlp and the language model) with transformers 4.44.2 on mm-composition:
// every intermediate (vision_feature, pooled_tokens, image_embeds, inputs_embeds), the logits and
// LM hidden states, and the greedy continuation. Cases are discovered from
// mm-composition/cases/*/case.json (kind mm_forward); the components come from composition.json.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "component_factory.hpp"
#include "test_paths.hpp"
#include "vlforge/generation.hpp"
#include "vlforge/json_config.hpp"
#include "vlforge/models/vit.hpp"
#include "vlforge/multimodal_model.hpp"
#include "vlforge/safetensors.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

struct MmCase {
  std::string name;
  fs::path dir;
};

// gtest shows the case, not its bytes.
void PrintTo(const MmCase& c, std::ostream* os) { *os << "mm-composition/" << c.name; }

std::vector<MmCase> discover() {
  std::vector<MmCase> cases;
  const fs::path root = hf_fixtures_dir() / "mm-composition" / "cases";
  if (!fs::is_directory(root)) return cases;
  for (const auto& entry : fs::directory_iterator(root))
    if (fs::exists(entry.path() / "case.json") &&
        JsonConfig::load(entry.path() / "case.json").get_string("kind") == "mm_forward")
      cases.push_back({entry.path().filename().string(), entry.path()});
  std::sort(cases.begin(), cases.end(), [](const MmCase& a, const MmCase& b) { return a.name < b.name; });
  return cases;
}

std::string case_name(const testing::TestParamInfo<MmCase>& info) {
  std::string name = "mm_composition_" + info.param.name;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

double max_abs_diff(const at::Tensor& got, const at::Tensor& want) {
  EXPECT_EQ(got.sizes(), want.sizes());
  if (got.sizes() != want.sizes()) return INFINITY;
  return (got.to(at::kDouble) - want.to(at::kDouble)).abs().max().item<double>();
}

// One case: its spec, tensors, and the components composition.json names, made through the
// plugin host as a recipe would.
struct Composition {
  explicit Composition(const MmCase& c)
      : spec(JsonConfig::load(c.dir / "case.json")),
        inputs(SafetensorsFile::open(c.dir / "inputs.safetensors")),
        outputs(SafetensorsFile::open(c.dir / "outputs.safetensors")) {
    const fs::path file = fs::weakly_canonical(c.dir / spec.get_string("composition"));
    const JsonConfig composition = JsonConfig::load(file);
    const fs::path root = file.parent_path();
    vision_tower = fs::weakly_canonical(root / composition.get_string("vision_tower"));
    llm = fs::weakly_canonical(root / composition.get_string("llm"));
    projector = fs::weakly_canonical(root / composition.get_string("projector"));
    feature_layer = composition.get_int("vision_feature_layer");
    image_tokens = composition.get_int("num_image_tokens");
    placeholder = composition.get_int("placeholder_token_id");
    tolerance = spec.get_double("tolerance_max_abs");
  }

  std::shared_ptr<VisionEncoder> make_vision() {
    return maker.make<VisionEncoder>("use = \"vision_encoder/siglip\"\ncheckpoint = \"" + vision_tower.string() +
                                     "\"\nselect_layer = " + std::to_string(feature_layer));
  }
  std::shared_ptr<Projector> make_projector() {
    return maker.make<Projector>("use = \"projector/avgpool-mlp\"\ncheckpoint = \"" + projector.string() +
                                 "\"\ntokens = " + std::to_string(image_tokens));
  }
  std::string lm_use() const {
    return "language_model/" + JsonConfig::load(llm / "config.json").get_string("model_type");
  }
  std::shared_ptr<LanguageModel> make_lm() {
    return maker.make<LanguageModel>("use = \"" + lm_use() + "\"\ncheckpoint = \"" + llm.string() + "\"");
  }

  void expect_close(const std::string& name, const at::Tensor& got) {
    const double diff = max_abs_diff(got, outputs->tensor(name));
    std::cout << "[parity] mm-composition " << name << " max abs diff " << diff << "\n";
    EXPECT_LE(diff, tolerance) << name;
  }

  ComponentMaker maker;
  JsonConfig spec;
  std::shared_ptr<const SafetensorsFile> inputs, outputs;
  fs::path vision_tower, llm, projector;
  int64_t feature_layer = 0, image_tokens = 0, placeholder = 0;
  double tolerance = 0.0;
};

class MultimodalParity : public testing::TestWithParam<MmCase> {};

// Vision tower, pooling and projector: no language model needed.
TEST_P(MultimodalParity, ImageTokensMatchTransformers) {
  Composition c(GetParam());
  torch::NoGradGuard no_grad;
  const at::Tensor pixels = c.inputs->tensor("pixel_values");
  const at::Tensor feature = c.make_vision()->forward(pixels);
  c.expect_close("vision_feature", feature);
  c.expect_close("pooled_tokens", models::pool_patch_grid(feature, c.image_tokens, "mm-composition"));
  c.expect_close("image_embeds", c.make_projector()->forward(feature, c.image_tokens));
}

// The whole model: needs the language model plugin composition.json names (qwen2).
TEST_P(MultimodalParity, LanguageModelOutputsMatchTransformers) {
  Composition c(GetParam());
  MultimodalOptions options;
  options.image_token_id = c.placeholder;
  options.image_tokens = c.image_tokens;
  MultimodalModel model(c.make_vision(), c.make_projector(), c.make_lm(), options);
  torch::NoGradGuard no_grad;

  MultimodalInput input;
  input.input_ids = c.inputs->tensor("input_ids");
  input.pixel_values = c.inputs->tensor("pixel_values");  // one image per row, in row order
  input.output_hidden_states = true;
  const MultimodalOutput out = model.forward(input);
  c.expect_close("image_embeds", out.image_embeds);
  c.expect_close("inputs_embeds", out.inputs_embeds);
  c.expect_close("logits", out.lm.logits);
  int64_t compared = 0;
  for (const SafetensorsEntry& e : c.outputs->entries()) {
    const std::string prefix = "llm_hidden_states.";
    if (!e.name.starts_with(prefix)) continue;
    const size_t index = std::stoul(e.name.substr(prefix.size()));
    ASSERT_LT(index, out.lm.hidden_states.size()) << e.name;
    c.expect_close(e.name, out.lm.hidden_states[index]);
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int64_t>(out.lm.hidden_states.size()));

  // Greedy continuation of row 0 from its embeddings: only the new ids, exactly.
  const at::Tensor want = c.outputs->tensor("generated_ids");
  MultimodalInput prompt;
  prompt.input_ids = input.input_ids.slice(0, 0, 1);
  prompt.pixel_values = input.pixel_values.slice(0, 0, 1);
  GenerationConfig greedy;
  greedy.max_new_tokens = want.size(1);
  const at::Tensor got = model.generate(prompt, greedy).sequences;
  std::cout << "[parity] mm-composition generated_ids " << got << "\n";
  EXPECT_TRUE(got.equal(want)) << "got " << got << "\nwant " << want;
}

INSTANTIATE_TEST_SUITE_P(HfReference, MultimodalParity, testing::ValuesIn(discover()), case_name);

}  // namespace
}  // namespace vlforge::test
