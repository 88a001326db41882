// Parity of language_model/qwen2 and language_model/llama with Hugging Face transformers 4.44.2
// on the tiny random models of the reference fixtures. Cases are discovered from the fixture
// folders (MODEL/cases/*/case.json): one test body per case kind, one named test per case.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "component_factory.hpp"
#include "test_paths.hpp"
#include "vlforge/generation.hpp"
#include "vlforge/interfaces/language_model.hpp"
#include "vlforge/json_config.hpp"
#include "vlforge/models/decoder_language_model.hpp"
#include "vlforge/models/decoder_model.hpp"
#include "vlforge/safetensors.hpp"

namespace fs = std::filesystem;

namespace vlforge::test {
namespace {

const std::vector<std::string> kModels = {"qwen2-tiny", "llama-tiny"};

struct LmCase {
  std::string model;  // fixture folder, e.g. "qwen2-tiny"
  std::string name;   // case folder, e.g. "forward_padded"
  fs::path dir;
  std::string kind;
};

// What ctest and failure messages show for a case.
void PrintTo(const LmCase& c, std::ostream* os) { *os << c.model << "/" << c.name; }

std::vector<LmCase> discover(const std::string& kind) {
  std::vector<LmCase> cases;
  for (const std::string& model : kModels) {
    const fs::path root = hf_fixtures_dir() / model / "cases";
    if (!fs::is_directory(root)) continue;
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(root))
      if (fs::exists(entry.path() / "case.json")) dirs.push_back(entry.path());
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path& dir : dirs) {
      const JsonConfig c = JsonConfig::load(dir / "case.json");
      if (c.get_string("kind") == kind) cases.push_back({model, dir.filename().string(), dir, kind});
    }
  }
  return cases;
}

std::string case_name(const testing::TestParamInfo<LmCase>& info) {
  std::string name = info.param.model + "_" + info.param.name;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

// A fixture model folder, created through the plugin host as a recipe would; once per folder.
std::shared_ptr<LanguageModel> model_at(const fs::path& model_folder) {
  static ComponentMaker maker;
  static std::map<fs::path, std::shared_ptr<LanguageModel>> models;
  const fs::path folder = fs::weakly_canonical(model_folder);
  auto& lm = models[folder];
  if (!lm) {
    const std::string type = JsonConfig::load(folder / "config.json").get_string("model_type");
    lm = maker.make<LanguageModel>("use = \"language_model/" + type + "\"\ncheckpoint = \"" + folder.string() + "\"");
  }
  return lm;
}

std::shared_ptr<LanguageModel> model_of(const LmCase& c) {
  return model_at(c.dir / JsonConfig::load(c.dir / "case.json").get_string("model"));
}

// Max |got - want| over the positions where `where` ([B, T] bool, or undefined: everywhere) holds.
double max_abs_diff(const at::Tensor& got, const at::Tensor& want, const at::Tensor& where = {}) {
  EXPECT_EQ(got.sizes(), want.sizes());
  if (got.sizes() != want.sizes()) return INFINITY;
  at::Tensor diff = (got.to(at::kFloat) - want.to(at::kFloat)).abs();
  if (where.defined()) {
    at::Tensor w = where;
    while (w.dim() < diff.dim()) w = w.unsqueeze(-1);
    diff = diff.masked_fill(w.logical_not(), 0.0);
  }
  return diff.max().item<double>();
}

void expect_close(const std::string& label, const at::Tensor& got, const at::Tensor& want, double tolerance,
                  const at::Tensor& where = {}) {
  const double diff = max_abs_diff(got, want, where);
  std::cout << "[parity] " << label << " max_abs_diff " << diff << "\n";
  EXPECT_LE(diff, tolerance) << label;
}

void expect_equal_ids(const std::string& label, const at::Tensor& got, const at::Tensor& want) {
  ASSERT_EQ(got.sizes(), want.sizes()) << label;
  EXPECT_TRUE(got.to(at::kCPU).equal(want)) << label << "\n got  " << got << "\n want " << want;
}

struct CaseFiles {
  JsonConfig json;
  std::shared_ptr<const SafetensorsFile> inputs, outputs;
  double tolerance;
};

CaseFiles open_case(const LmCase& c) {
  JsonConfig json = JsonConfig::load(c.dir / "case.json");
  const double tolerance = json.get_double("tolerance_max_abs", 1e-4);
  return {std::move(json), SafetensorsFile::open(c.dir / "inputs.safetensors"),
          SafetensorsFile::open(c.dir / "outputs.safetensors"), tolerance};
}

// The saved hidden states `prefix.0`, `prefix.1`, ... in order.
std::vector<at::Tensor> saved_hidden_states(const SafetensorsFile& file, const std::string& prefix) {
  std::vector<at::Tensor> out;
  while (file.find(prefix + "." + std::to_string(out.size()))) out.push_back(file.tensor(prefix + "." + std::to_string(out.size())));
  return out;
}

void expect_hidden_states(const std::string& label, const std::vector<at::Tensor>& got,
                          const std::vector<at::Tensor>& want, double tolerance, const at::Tensor& where = {}) {
  ASSERT_FALSE(want.empty()) << label << ": the fixture saves no hidden states";
  ASSERT_EQ(got.size(), want.size()) << label << ": embeddings, each layer but the last, and the final norm";
  for (size_t i = 0; i < want.size(); ++i)
    expect_close(label + "." + std::to_string(i), got[i], want[i], tolerance, where);
}

class LmForwardParity : public testing::TestWithParam<LmCase> {};
class LmGreedyParity : public testing::TestWithParam<LmCase> {};
class LmPackedParity : public testing::TestWithParam<LmCase> {};

// forward_padded (left-padded batch, causal + key padding) and far_positions (explicit large
// positions, llama3 rope scaling).
TEST_P(LmForwardParity, LogitsAndHiddenStatesMatchTransformers) {
  const LmCase& c = GetParam();
  const CaseFiles f = open_case(c);
  auto lm = model_of(c);
  LanguageModelInput in;
  in.input_ids = f.inputs->tensor("input_ids");
  in.position_ids = f.inputs->tensor("position_ids");
  at::Tensor where;
  if (f.inputs->find("attention_mask")) {
    in.attention_mask = f.inputs->tensor("attention_mask");
    // compare_only_where: "attention_mask==1": outputs at padded positions are not specified.
    if (f.json.get_string("compare_only_where", "").starts_with("attention_mask==1")) where = in.attention_mask.eq(1);
  }
  in.output_hidden_states = true;
  const LanguageModelOutput out = lm->forward(in);

  const std::string label = c.model + "/" + c.name;
  expect_close(label + " logits", out.logits, f.outputs->tensor("logits"), f.tolerance, where);
  expect_hidden_states(label + " hidden_states", out.hidden_states, saved_hidden_states(*f.outputs, "hidden_states"),
                       f.tolerance, where);
  if (f.outputs->find("rope_inv_freq")) {
    auto* decoder = dynamic_cast<models::DecoderLanguageModel*>(lm.get());
    ASSERT_NE(decoder, nullptr);
    expect_close(label + " rope_inv_freq", decoder->module().inv_freq(), f.outputs->tensor("rope_inv_freq"), 1e-7);
  }
}

// greedy_generate: 8 new tokens from one prompt and from a left-padded batch, with and without
// the KV cache.
TEST_P(LmGreedyParity, GreedyIdsMatchTransformers) {
  const LmCase& c = GetParam();
  const CaseFiles f = open_case(c);
  auto lm = model_of(c);
  GenerationConfig g;
  g.max_new_tokens = f.json.get_int("max_new_tokens");
  const std::string label = c.model + "/" + c.name;

  for (const bool use_cache : {true, false}) {
    g.use_cache = use_cache;
    const std::string mode = use_cache ? " (KV cache)" : " (recomputed)";
    GenerationInput single;
    single.input_ids = f.inputs->tensor("input_ids");
    expect_equal_ids(label + " generated_ids" + mode, generate(*lm, single, g).sequences,
                     f.outputs->tensor("generated_ids"));

    GenerationInput batch;
    batch.input_ids = f.inputs->tensor("batch_input_ids");
    batch.attention_mask = f.inputs->tensor("batch_attention_mask");
    const GenerationOutput out = generate(*lm, batch, g);
    expect_equal_ids(label + " batch_generated_ids" + mode, out.sequences, f.outputs->tensor("batch_generated_ids"));
    for (FinishReason r : out.finish_reasons) EXPECT_EQ(r, FinishReason::length);
  }

  // The positions transformers used: cumsum(mask) - 1, pads at 1, over prompt and new tokens.
  const at::Tensor mask = f.inputs->tensor("batch_attention_mask");
  const at::Tensor full_mask = at::cat({mask, at::ones({mask.size(0), g.max_new_tokens}, at::kLong)}, 1);
  expect_equal_ids(label + " batch_position_ids", positions_from_mask(full_mask), f.outputs->tensor("batch_position_ids"));
  expect_equal_ids(label + " position_ids", positions_from_mask(at::ones({1, full_mask.size(1)}, at::kLong)),
                   f.outputs->tensor("position_ids"));
}

// packed: two documents in one row, in both attention patterns.
TEST_P(LmPackedParity, BothPatternsMatchTransformers) {
  const LmCase& c = GetParam();
  const CaseFiles f = open_case(c);
  auto lm = model_of(c);
  const std::string label = c.model + "/" + c.name;
  const at::Tensor ids = f.inputs->tensor("input_ids");
  const int64_t t = ids.size(1);

  std::vector<int64_t> docs;
  const std::vector<int64_t> lengths = f.json.get_int_list("doc_lens");
  for (size_t d = 0; d < lengths.size(); ++d) docs.insert(docs.end(), static_cast<size_t>(lengths[d]), static_cast<int64_t>(d));
  ASSERT_EQ(static_cast<int64_t>(docs.size()), t);
  const at::Tensor document_ids = torch::tensor(docs, at::kLong).unsqueeze(0);

  // isolated: per-document causal attention, positions reset per document. The mask the model
  // builds is the fixture's additive mask.
  const at::Tensor mask = models::attention_mask(1, t, 0, {}, document_ids, document_ids, at::kFloat, at::kCPU);
  EXPECT_TRUE(mask.equal(f.inputs->tensor("attention_mask_4d"))) << mask;
  EXPECT_TRUE(mask.eq(0).squeeze().to(at::kByte).equal(f.inputs->tensor("allowed")));

  LanguageModelInput isolated;
  isolated.input_ids = ids;
  isolated.position_ids = f.inputs->tensor("position_ids");
  isolated.document_ids = document_ids;
  isolated.output_hidden_states = true;
  const LanguageModelOutput packed = lm->forward(isolated);
  expect_close(label + " packed_logits", packed.logits, f.outputs->tensor("packed_logits"), f.tolerance);
  expect_close(label + " separate_docs_logits", packed.logits, f.outputs->tensor("separate_docs_logits"), f.tolerance);
  expect_hidden_states(label + " packed_hidden_states", packed.hidden_states,
                       saved_hidden_states(*f.outputs, "packed_hidden_states"), f.tolerance);

  // shared: plain causal over the row, positions 0..T-1 (the Open-Qwen2VL reference).
  LanguageModelInput shared;
  shared.input_ids = ids;
  shared.position_ids = at::arange(t, at::kLong).unsqueeze(0);
  expect_close(label + " full_causal_logits", lm->forward(shared).logits, f.outputs->tensor("full_causal_logits"),
               f.tolerance);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, LmForwardParity, testing::ValuesIn(discover("forward")), case_name);
INSTANTIATE_TEST_SUITE_P(Fixtures, LmGreedyParity, testing::ValuesIn(discover("greedy_generate")), case_name);
INSTANTIATE_TEST_SUITE_P(Fixtures, LmPackedParity, testing::ValuesIn(discover("packed_sequences")), case_name);

// Discovery itself must find the fixtures: a missing folder fails here instead of running nothing.
TEST(LmParityFixtures, EveryModelHasCases) {
  for (const std::string& model : kModels)
    EXPECT_TRUE(fs::is_directory(hf_fixtures_dir() / model / "cases")) << hf_fixtures_dir() / model;
  EXPECT_GE(discover("forward").size(), 3u);  // forward_padded x 2, far_positions
  EXPECT_GE(discover("greedy_generate").size(), 2u);
  EXPECT_GE(discover("packed_sequences").size(), 1u);
}

// The language-model half of mm-composition: Qwen2 on spliced image + text embeddings, and greedy
// generation started from embeddings (only new ids come back).
TEST(LmParityMultimodal, Qwen2FromInputsEmbeds) {
  const fs::path dir = hf_fixtures_dir() / "mm-composition" / "cases" / "forward";
  const JsonConfig json = JsonConfig::load(dir / "case.json");
  const auto outputs = SafetensorsFile::open(dir / "outputs.safetensors");
  const double tolerance = json.get_double("tolerance_max_abs");
  auto lm = model_at(hf_fixtures_dir() / "qwen2-tiny" / "model");

  const at::Tensor embeds = outputs->tensor("inputs_embeds");
  LanguageModelInput in;
  in.inputs_embeds = embeds;
  in.position_ids = at::arange(embeds.size(1), at::kLong).unsqueeze(0).expand({embeds.size(0), embeds.size(1)});
  in.output_hidden_states = true;
  const LanguageModelOutput out = lm->forward(in);
  expect_close("mm-composition logits", out.logits, outputs->tensor("logits"), tolerance);
  expect_hidden_states("mm-composition llm_hidden_states", out.hidden_states,
                       saved_hidden_states(*outputs, "llm_hidden_states"), tolerance);

  GenerationConfig g;
  g.max_new_tokens = outputs->find("generated_ids")->shape[1];
  GenerationInput prompt;
  prompt.inputs_embeds = embeds.narrow(0, 0, 1);
  for (const bool use_cache : {true, false}) {
    g.use_cache = use_cache;
    expect_equal_ids(std::string("mm-composition generated_ids") + (use_cache ? " (KV cache)" : " (recomputed)"),
                     generate(*lm, prompt, g).sequences, outputs->tensor("generated_ids"));
  }
}

}  // namespace
}  // namespace vlforge::test
