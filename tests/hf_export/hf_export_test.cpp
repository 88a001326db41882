// `vlforge export` on a tiny random model, read back with vlforge's own Hugging Face loaders:
// every weight identical, the same logits, bfloat16 as the float32 weights rounded, clear errors.
// It also writes reference_logits.json beside the export, which check_with_transformers.py
// compares with transformers' logits where transformers is installed.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "component_factory.hpp"
#include "process.hpp"
#include "test_paths.hpp"
#include "tiny_model.hpp"
#include "vlforge/interfaces/language_model.hpp"
#include "vlforge/interfaces/projector.hpp"
#include "vlforge/interfaces/vision_encoder.hpp"
#include "vlforge/multimodal_model.hpp"
#include "vlforge/safetensors.hpp"

namespace fs = std::filesystem;
using namespace vlforge;
using namespace vlforge::test;

namespace {

CommandResult export_model(const fs::path& model, const fs::path& out, const std::string& dtype = "float32") {
  return run_command({kVlforge, "export", "--checkpoint", model.string(), "--out", out.string(), "--dtype", dtype});
}

// Every parameter of `component` equals the trained folder's tensor under `prefix`, bit for bit.
void expect_same_weights(Trainable& component, const Checkpoint& trained, const std::string& prefix) {
  const auto params = component.named_parameters();
  ASSERT_FALSE(params.empty());
  for (const auto& [name, tensor] : params) {
    const at::Tensor expected = trained.get(prefix + name);
    EXPECT_TRUE(tensor.to(at::kFloat).equal(expected)) << prefix << name;
  }
}

at::Tensor logits(LanguageModel& lm, const std::vector<int64_t>& ids) {
  at::NoGradGuard no_grad;
  LanguageModelInput in;
  in.input_ids = at::tensor(ids, at::kLong).unsqueeze(0);
  in.position_ids = at::arange(static_cast<int64_t>(ids.size())).unsqueeze(0);
  return lm.forward(in).logits[0];
}

}  // namespace

TEST(HfExport, TheExportReadsBackWithIdenticalWeightsAndLogits) {
  const fs::path dir = fresh_dir("hf-export");
  const TinyModel tiny = write_tiny_model(dir / "model");
  const fs::path out = dir / "exported";
  const auto r = export_model(tiny.folder, out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* file : {"config.json", "model.safetensors", "generation_config.json", "tokenizer.json", "README.md",
                           "vision_tower/config.json", "vision_tower/model.safetensors", "projector/config.json",
                           "projector/model.safetensors"})
    EXPECT_TRUE(fs::exists(out / file)) << file;

  const auto config = nlohmann::json::parse(read_text(out / "config.json"));
  EXPECT_EQ(config.at("model_type"), "qwen2");
  EXPECT_EQ(config.at("architectures"), nlohmann::json::array({"Qwen2ForCausalLM"}));
  EXPECT_EQ(config.at("torch_dtype"), "float32");
  EXPECT_EQ(config.at("hidden_size"), 96);
  const auto vision_config = nlohmann::json::parse(read_text(out / "vision_tower" / "config.json"));
  EXPECT_EQ(vision_config.at("model_type"), "siglip_vision_model");
  EXPECT_EQ(vision_config.at("architectures"), nlohmann::json::array({"SiglipVisionModel"}));
  const auto projector_config = nlohmann::json::parse(read_text(out / "projector" / "config.json"));
  EXPECT_EQ(projector_config.at("input_dim"), 64);
  EXPECT_EQ(projector_config.at("output_dim"), 96);
  EXPECT_EQ(projector_config.at("image_tokens"), 16);

  ComponentMaker maker;
  auto lm = maker.make<LanguageModel>("use = \"language_model/qwen2\"\ncheckpoint = \"" + out.string() + "\"");
  auto vision = maker.make<VisionEncoder>("use = \"vision_encoder/siglip\"\ncheckpoint = \"" +
                                          (out / "vision_tower").string() + "\"");
  auto projector = maker.make<Projector>("use = \"projector/avgpool-mlp\"\ncheckpoint = \"" +
                                         (out / "projector" / "model.safetensors").string() + "\"\ntokens = 16");
  const Checkpoint trained = Checkpoint::open(tiny.folder);
  expect_same_weights(*lm, trained, std::string(kLanguageModelPrefix));
  expect_same_weights(*vision, trained, std::string(kVisionPrefix));
  expect_same_weights(*projector, trained, std::string(kProjectorPrefix));

  // The logits of the reloaded LM equal those of the LM the trained folder gives.
  auto original = maker.make<LanguageModel>("use = \"language_model/qwen2\"\ncheckpoint = \"" +
                                            (kSourceDir / "recipes" / "assets" / "tiny-qwen2").string() +
                                            "\"\nweights = false\ninit = \"random\"");
  std::vector<NamedTensor> params = original->named_parameters();
  for (auto& p : params) p.first = std::string(kLanguageModelPrefix) + p.first;
  std::vector<std::string> other_components;
  for (const std::string& name : trained.names())
    if (!name.starts_with(kLanguageModelPrefix)) other_components.push_back(name);
  trained.load_into(params, {}, other_components);
  const std::vector<int64_t> ids = {5, 17, 230, 99, 4, 431, 12, 7};
  const at::Tensor reloaded = logits(*lm, ids);
  EXPECT_TRUE(reloaded.equal(logits(*original, ids)));

  // For check_with_transformers.py: the same input and these logits.
  nlohmann::json reference = {{"input_ids", ids}, {"logits", nlohmann::json::array()}};
  for (int64_t t = 0; t < reloaded.size(0); ++t) {
    const at::Tensor row = reloaded[t].contiguous();
    reference["logits"].push_back(std::vector<float>(row.data_ptr<float>(), row.data_ptr<float>() + row.numel()));
  }
  std::ofstream(dir / "reference_logits.json") << reference.dump();
}

TEST(HfExport, Bfloat16ExportHoldsTheFloat32WeightsRounded) {
  const fs::path dir = fresh_dir("hf-export-bf16");
  const TinyModel tiny = write_tiny_model(dir / "model");
  const auto r = export_model(tiny.folder, dir / "exported", "bfloat16");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(nlohmann::json::parse(read_text(dir / "exported" / "config.json")).at("torch_dtype"), "bfloat16");
  const Checkpoint trained = Checkpoint::open(tiny.folder);
  for (const fs::path& folder : {dir / "exported", dir / "exported" / "vision_tower", dir / "exported" / "projector"}) {
    const Checkpoint exported = Checkpoint::open(folder);
    ASSERT_FALSE(exported.names().empty());
    for (const std::string& name : exported.names()) {
      const at::Tensor bf16 = exported.get(name, at::kBFloat16);
      const std::string prefix = folder.filename() == "vision_tower" ? std::string(kVisionPrefix)
                                 : folder.filename() == "projector"  ? std::string(kProjectorPrefix)
                                                                     : std::string(kLanguageModelPrefix);
      EXPECT_TRUE(bf16.equal(trained.get(prefix + name).to(at::kBFloat16))) << folder << " " << name;
    }
  }
  // The header says BF16.
  const std::string header = read_text(dir / "exported" / "model.safetensors").substr(8, 4096);
  EXPECT_NE(header.find("\"dtype\":\"BF16\""), std::string::npos) << header.substr(0, 200);
}

TEST(HfExport, RefusesANonEmptyOutputAndAMissingWeight) {
  const fs::path dir = fresh_dir("hf-export-errors");
  const TinyModel tiny = write_tiny_model(dir / "model");
  fs::create_directories(dir / "busy");
  std::ofstream(dir / "busy" / "keep.txt") << "x";
  const auto busy = export_model(tiny.folder, dir / "busy");
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.output.find("exists and is not empty"), std::string::npos) << busy.output;

  // The trained folder without the final norm's weight.
  std::vector<NamedTensor> kept;
  const Checkpoint trained = Checkpoint::open(tiny.folder);
  for (const std::string& name : trained.names())
    if (name != "language_model.model.norm.weight") kept.emplace_back(name, trained.get(name));
  fs::create_directories(dir / "partial");
  save_checkpoint(dir / "partial", kept);
  fs::copy_file(tiny.folder / "model.toml", dir / "partial" / "model.toml");
  const auto partial = export_model(dir / "partial", dir / "out");
  EXPECT_EQ(partial.exit_code, 1);
  EXPECT_NE(partial.output.find("language_model.model.norm.weight"), std::string::npos) << partial.output;
}
